"""Rules: what lexicon hits, patterns and PII mean in context.

A lexicon hit is evidence, not a verdict. These rules turn evidence into
label scores the way a careful moderator reads a comment:

* a group name next to a hostile or dehumanising word in the same sentence is
  hate against that group; the same words aimed at a politician or a referee
  are an insult, and about a late tram they are criticism;
* negation flips it ("moslims zijn geen ratten" is not hate, "X zijn geen
  mensen" is), counter-speech and reported speech suspend it ("wie moslims
  ratten noemt is een racist");
* a reclaimable word used by the group about itself is not hate;
* personal data is doxxing unless the commenter offers their own.

The result is a `RuleResult`: scores per label from the rules, factors that
damp the model where the rules know better (negation, counter-speech), the
evidence with spans in the original text, and reasons a moderator can read.

One module per kind of rule (hate, insult, threat, criticism, care, pattern_rules), the clause context they
read (context), their shared helpers (common), and the registry that names them (registry).
"""

from hierniet.triage.rules.context import Context, RuleResult, Vocab, build_context, phrase_at, phrase_starts, vocab
from hierniet.triage.rules.registry import RULES, SUPPRESSING_FLAGS, Rule, Stage, apply_rules, run_rules
from hierniet.triage.rules.threat import joking

__all__ = [
    "RULES",
    "SUPPRESSING_FLAGS",
    "Context",
    "Rule",
    "RuleResult",
    "Stage",
    "Vocab",
    "apply_rules",
    "build_context",
    "joking",
    "phrase_at",
    "phrase_starts",
    "run_rules",
    "vocab",
]
