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


def policy_for(channel_yaml: str | None, organisation_yaml: str | None) -> Policy:
    """The policy of a channel; stored policies were validated when saved, so this does not fail on them."""
    if channel_yaml:
        return _parsed(channel_yaml, "channel policy")
    if organisation_yaml:
        return _parsed(organisation_yaml, "organisation policy")
    return default_policy()


def validate_policy(text: str | None, source: str) -> Policy | None:
    """Check a policy before it is stored; InvalidInput lists every problem with its line and fix."""
    if text is None or not text.strip():
        return None
    try:
        return _parsed(text, source)
    except PolicyError as exc:
        raise InvalidInput(str(exc)) from None
