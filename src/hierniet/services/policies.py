"""Which charter policy applies to a channel: the channel's own, else its organisation's, else the default.

Policies are stored as YAML text with the organisation or channel and parsed once per process per text.
"""

from __future__ import annotations

from functools import lru_cache

from hierniet.policy import Policy, PolicyError, default_policy, parse_policy
from hierniet.services.errors import InvalidInput


@lru_cache(maxsize=128)
def _parsed(text: str, source: str) -> Policy:
    return parse_policy(text, source=source)


def policy_for(
    channel_yaml: str | None, organisation_yaml: str | None, *, organisation_name: str | None = None
) -> Policy:
    """The policy of a channel; stored policies were validated when saved, so this does not fail on them.

    With `organisation_name` (the organisation's name on the desk), replies are signed with it unless the
    policy sets `organisation.signature`: the default policy's "Our organisation" is a placeholder, and
    a policy shared by several organisations must sign for each of them.
    """
    if channel_yaml:
        policy = _parsed(channel_yaml, "channel policy")
    elif organisation_yaml:
        policy = _parsed(organisation_yaml, "organisation policy")
    else:
        policy = default_policy()
    name = (organisation_name or "").strip()
    if not name or policy.organisation.signature is not None:
        return policy
    return _signed(_Same(policy), name)


class _Same:
    """A policy as a cache key by identity (a policy holds dicts, so it has no hash of its own); the
    policies come from the caches above, so the same text gives the same object."""

    __slots__ = ("policy",)

    def __init__(self, policy: Policy) -> None:
        self.policy = policy

    def __hash__(self) -> int:
        return id(self.policy)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Same) and other.policy is self.policy


@lru_cache(maxsize=256)
def _signed(key: _Same, name: str) -> Policy:
    policy = key.policy
    return policy.model_copy(update={"organisation": policy.organisation.model_copy(update={"signature": name})})


def validate_policy(text: str | None, source: str) -> Policy | None:
    """Check a policy before it is stored; InvalidInput lists every problem with its line and fix."""
    if text is None or not text.strip():
        return None
    try:
        return _parsed(text, source)
    except PolicyError as exc:
        raise InvalidInput(str(exc)) from None
