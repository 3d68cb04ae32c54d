"""The charter as code: an organisation's policy (YAML, validated) and the pure `recommend` function.

policy = load_policy("my-policy.yaml")        # or default_policy()
rec = recommend(verdict, history, policy, Platform.FACEBOOK)
rec.as_dict()  # {"step": "refer", "reports": [...], "auto": False, "reply": "...", "reasons": [...], ...}
"""

from hierniet.policy.charter import parse_platform, recommend
from hierniet.policy.replies import render_reply
from hierniet.policy.schema import (
    Policy,
    PolicyError,
    PolicyIssue,
    default_policy,
    default_policy_text,
    load_policy,
    parse_policy,
)

__all__ = [
    "Policy",
    "PolicyError",
    "PolicyIssue",
    "default_policy",
    "default_policy_text",
    "load_policy",
    "parse_platform",
    "parse_policy",
    "recommend",
    "render_reply",
]
