"""Errors the desk's services raise; the web layer turns each kind into one HTTP status.

Every message says what is wrong and how to fix it, so the API and the pages can show it as it is.
"""

from __future__ import annotations

from hierniet.domain import Reason


class ServiceError(Exception):
    """Base of the services' errors; `str(error)` is the message for people.

    `reason`, where given, is the same message as a message id and values (hierniet.domain.Reason), so the
    desk can say it in the person's language; the API and the CLI show `str(error)`.
    """

    status_code = 400

    def __init__(self, message: str = "", *, reason: Reason | None = None) -> None:
        super().__init__(message)
        self.reason = reason


class InvalidInput(ServiceError):
    """The request itself is wrong (a bad field, an unknown step, a policy that does not validate)."""

    status_code = 422


class NotFound(ServiceError):
    status_code = 404


class Forbidden(ServiceError):
    """The actor's role does not allow this (see hierniet.services.auth.ROLE_PERMISSIONS)."""

    status_code = 403


class Conflict(ServiceError):
    """The request clashes with what is stored (a name already taken, a revoked token)."""

    status_code = 409


def no_comment(comment_id: int) -> NotFound:
    """The comment is not there, or not for this person's eyes (the same answer: no hint that it exists)."""
    message = f"no comment {comment_id}: list comments with GET /api/v1/queue?status=any"
    return NotFound(message, reason=Reason("error.no_comment", message, comment_id=comment_id))
