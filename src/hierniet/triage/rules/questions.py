"""Questions to the organisation: "Fährt der Ersatzbus auch über Kettenis?", "Est-ce qu'on peut faire un don de
médicaments ?". A community manager answers them; the charter's first step for a comment that asks something is
a reply, even when nothing in it is a complaint. The verdict says so (reason `triage.asks`) and the policy turns
it into the reply step (`replies.answer_questions`).

Read on the whole comment. Not a question to the organisation:
- a comment that @-mentions someone: it speaks to that person ("@jan ge hoort uzelf toch bezig?") or tags
  friends ("Qui vient avec moi ?? @lea");
- a sentence of one or two words with a question mark ("Bodycams? ...", "Genderneutraal?"): it echoes the
  post's topic before a remark; it asks nothing.
"""

from __future__ import annotations

import re

from hierniet.domain import Reason
from hierniet.triage.rules.context import Context, RuleResult

# A handle as platforms write them: @name, @name.domain, @name@instance (not an e-mail address: no word before).
_MENTION = re.compile(r"(?<![\w.])@[\w.]{2,}")
_MIN_QUESTION_WORDS = 3


def asks(ctx: Context, result: RuleResult) -> None:
    if "?" not in ctx.nt.original or _MENTION.search(ctx.nt.original):
        return
    for sentence in sorted({t.sentence for t in ctx.nt.tokens}):
        tokens = [t for t in ctx.nt.tokens if t.sentence == sentence]
        words = [t for t in tokens if any(c.isalpha() for c in t.norm) and not t.emoji]
        end = max(t.end for t in tokens)
        # A question mark right after the sentence's last word (emoji may sit between: "... open? 🙏").
        tail = ctx.nt.original[end : end + 8].lstrip()
        if len(words) >= _MIN_QUESTION_WORDS and tail.startswith("?"):
            result.flags.add("asks")
            result.reasons.append(Reason("triage.asks", "the comment asks a question: it needs an answer"))
            return
