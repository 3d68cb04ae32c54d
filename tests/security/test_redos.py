"""No regular expression in hierniet may stall the server on hostile input (ReDoS).

Comments are user text of up to tens of kilobytes, and every pattern that reads
them runs inside a request. A pattern with nested or overlapping repetition can
take quadratic or exponential time: one quadratic pattern made three 25,000-
character comments take 23 seconds and stalled every other request. So every
pattern hierniet compiles is run here on pathological 20,000-character inputs
and must finish each within 100 ms.

The patterns are collected, not listed, so a new one is covered without touching
this file:

* every ``re.Pattern`` held at module level (or in a module-level tuple, dict or
  dataclass, or a class attribute) of a ``hierniet`` module;
* everything a regex builder returns: a zero-argument cached function whose
  return annotation names a ``Pattern`` or ``Regex`` type (``_regexes()``,
  ``_patterns()``, ``compiled_patterns()``);
* every ``re.compile/search/sub/...`` call with a literal pattern inside a
  function, read from the source.

A pattern built inside a function from data must be listed in ``_DYNAMIC`` with
the reason it is safe; ``test_every_regex_is_collected`` fails otherwise.
"""

from __future__ import annotations

import ast
import dataclasses
import importlib
import inspect
import pkgutil
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import hierniet

_LIMIT_S = 0.100
_LENGTH = 20_000
_SRC = Path(hierniet.__file__).resolve().parent
_RE_CALLS = frozenset({"compile", "search", "match", "fullmatch", "sub", "subn", "split", "findall", "finditer"})

# (module path relative to the package, function): patterns built at run time from data, with why they are safe.
_DYNAMIC: dict[tuple[str, str], str] = {
    ("triage/matcher.py", "_masked"): (
        "escaped literal parts of one masked word joined by bounded gaps (.{0,2}), anchored at both ends, "
        "and matched against short lexicon words only, never against the comment"
    ),
    ("crisis/words.py", "_compile"): (
        "the same alternation of escaped literal words as build (the offer-question lists), each opened by \\b and "
        "joined by single \\s: no two quantifiers can share characters"
    ),
    ("connectors/bluesky.py", "tag_matcher"): (
        "one escaped literal tag (at most MAX_TAG characters, no spaces) between two lookarounds: no quantifier"
    ),
    ("crisis/words.py", "build"): (
        "an alternation of escaped literal words (from the crisis word lists), each opened by \\b and joined by "
        "single \\s; a prefix entry ends in one \\w*: no two quantifiers can share characters"
    ),
}

# Repeated to 20,000 characters: the shapes that make backtracking patterns blow up
# (long runs without the character a pattern is waiting for, separators that two
# quantifiers can both take, digit groups, words a pattern starts on).
_UNITS: tuple[str, ...] = (
    "x.",
    "X.",
    "a ",
    " ",
    "@",
    "a@",
    "a",
    "A",
    "Aa ",
    "a'",
    "'.A",
    "a-",
    "a*",
    "#a",
    "1",
    "1-",
    "1.",
    "1 ",
    "0 ",
    "+32 ",
    "1/",
    "http://",
    "www.",
    "BE12 ",
    "1-ABC-",
    "a at b dot ",
    "x [at] ",
    "Kerkstraat ",
    "Straat",
    "rue A-",
    "rue de ",
    "wie weet waar ",
    "ik hoop dat je ",
    "i hope you ",
    "<a ",
    "&amp;",
    "é",
    "😀",
)

# Words a pattern starts on, then a long run of white space: two quantifiers that
# can both take spaces (``\s*,?\s+``) try every way of sharing them.
_BEFORE_SPACES: tuple[str, ...] = (
    "a",
    "1",
    "Kerkstraat",
    "Kerkstraat 1",
    "rue Neuve",
    "x at",
    "x [at]",
    "bus",
    "order",
    "{#",
)


def _pathological() -> Iterator[tuple[str, str]]:
    for unit in _UNITS:
        # Ends in a character nothing expects, so a pattern that would have matched
        # the whole run must give up, after trying every way it can.
        text = (unit * (_LENGTH // len(unit) + 1))[: _LENGTH - 1] + "!"
        yield f"{unit!r}*", text
    for word in _BEFORE_SPACES:
        yield f"{word!r} + spaces", (word + " " * _LENGTH)[: _LENGTH - 1] + "!"
    yield "letters then a digit", "a" * (_LENGTH - 1) + "1"
    yield "a cue word then punctuation", ("order" + "!?" * _LENGTH)[: _LENGTH - 1] + "x"
    yield "digits with mixed separators", "".join("0123456789"[i % 10] + " ./-"[i % 4] for i in range(_LENGTH // 2))


# --- collecting the patterns -------------------------------------------------------------


def _modules() -> list[Any]:
    modules = [hierniet]
    for info in pkgutil.walk_packages(hierniet.__path__, "hierniet."):
        # Alembic's scripts run only inside Alembic and read no comments.
        if ".migrations" not in info.name:
            modules.append(importlib.import_module(info.name))
    return modules


def _walk(value: Any, found: dict[tuple[str, int], re.Pattern[str]], depth: int = 0) -> None:
    if isinstance(value, re.Pattern):
        if isinstance(value.pattern, str):
            found.setdefault((value.pattern, value.flags), value)
        return
    if depth >= 3:
        return
    if isinstance(value, dict):
        children: Any = value.values()
    elif isinstance(value, tuple | list | frozenset | set):
        children = value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        children = [getattr(value, f.name) for f in dataclasses.fields(value)]
    else:
        return
    for child in children:
        _walk(child, found, depth + 1)


def _is_builder(obj: Any) -> bool:
    if not (callable(obj) and hasattr(obj, "cache_info") and hasattr(obj, "__wrapped__")):
        return False
    function = obj.__wrapped__
    if inspect.signature(function).parameters:
        return False
    annotation = str(inspect.get_annotations(function).get("return", ""))
    return "Pattern" in annotation or "Regex" in annotation


def _builders(modules: list[Any]) -> dict[tuple[str, str], Callable[[], Any]]:
    out: dict[tuple[str, str], Callable[[], Any]] = {}
    for module in modules:
        for name, obj in vars(module).items():
            if _is_builder(obj) and obj.__wrapped__.__module__ == module.__name__:
                out[(module.__name__, name)] = obj
    return out


def _flags(node: ast.expr | None) -> int | None:
    """The value of a flags argument written with re.X constants, or None when it is not one."""
    if node is None:
        return 0
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "re":
        value = getattr(re, node.attr, None)
        return int(value) if isinstance(value, re.RegexFlag) else None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        left, right = _flags(node.left), _flags(node.right)
        return None if left is None or right is None else left | right
    return None


def _inline_calls(builder_names: set[tuple[str, str]]) -> tuple[list[re.Pattern[str]], list[str]]:
    """Literal patterns compiled inside functions, and the re calls this test cannot see (file:line)."""
    literal: list[re.Pattern[str]] = []
    unseen: list[str] = []
    for path in sorted(_SRC.rglob("*.py")):
        relative = path.relative_to(_SRC).as_posix()
        module = "hierniet." + relative.removesuffix(".py").replace("/", ".").removesuffix(".__init__")
        tree = ast.parse(path.read_text(encoding="utf-8"))
        stack: list[tuple[ast.AST, str | None]] = [(tree, None)]
        while stack:
            node, function = stack.pop()
            for child in ast.iter_child_nodes(node):
                inner = child.name if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) else function
                stack.append((child, inner if function is None else function))
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "re"
                and node.func.attr in _RE_CALLS
                and function is not None
                and (module, function) not in builder_names
                and (relative, function) not in _DYNAMIC
            ):
                continue
            pattern = node.args[0] if node.args else None
            flag_node = next((k.value for k in node.keywords if k.arg == "flags"), None)
            if flag_node is None:
                position = {"compile": 1, "search": 2, "match": 2, "fullmatch": 2, "findall": 2, "finditer": 2}
                index = position.get(node.func.attr, 4 if node.func.attr in ("sub", "subn") else 3)
                flag_node = node.args[index] if len(node.args) > index else None
            flags = _flags(flag_node)
            if isinstance(pattern, ast.Constant) and isinstance(pattern.value, str) and flags is not None:
                literal.append(re.compile(pattern.value, flags))
            else:
                unseen.append(f"{relative}:{node.lineno} ({function})")
    return literal, unseen


def _collect() -> list[tuple[str, re.Pattern[str]]]:
    modules = _modules()
    found: dict[tuple[str, int], re.Pattern[str]] = {}
    names: dict[tuple[str, int], str] = {}
    for module in modules:
        for name, value in vars(module).items():
            before = set(found)
            if isinstance(value, type) and value.__module__ == module.__name__:
                for attribute in vars(value).values():
                    _walk(attribute, found)
            else:
                _walk(value, found)
            names.update({key: f"{module.__name__}.{name}" for key in set(found) - before})
    builders = _builders(modules)
    for (module_name, name), builder in builders.items():
        before = set(found)
        _walk(builder(), found)
        names.update({key: f"{module_name}.{name}()" for key in set(found) - before})
    literal, _unseen = _inline_calls(set(builders))
    for pattern in literal:
        key = (pattern.pattern, pattern.flags)
        if key not in found:
            found[key] = pattern
            names[key] = "inline re call"
    return [(f"{names[key]}: {key[0][:60]!r}", pattern) for key, pattern in found.items()]


_PATTERNS = _collect()


def test_the_collector_finds_the_known_patterns() -> None:
    """A guard on the collector itself: if it silently found nothing, every timing test would pass."""
    sources = {pattern.pattern for _, pattern in _PATTERNS}
    names = " ".join(name for name, _ in _PATTERNS)
    assert len(_PATTERNS) >= 80
    assert any(r"\.(?:com|be|nl|fr|de|org|net|eu)\b" in source for source in sources)  # language detector
    for where in ("hierniet.triage.pii._patterns()", "hierniet.triage.language._regexes()"):
        assert where in names, where
    assert any("<a" in source or "script" in source for source in sources)  # textclean


def test_every_regex_is_collected() -> None:
    """A pattern built in a function from data escapes the timing test: hoist it, or list it in _DYNAMIC."""
    _literal, unseen = _inline_calls(set(_builders(_modules())))
    assert not unseen, (
        "these re calls build their pattern at run time, so the ReDoS test cannot time them: compile the pattern "
        "at module level or in a cached builder, or add the function to _DYNAMIC in tests/security/test_redos.py "
        f"with the reason it is safe: {unseen}"
    )


def _elapsed(pattern: re.Pattern[str], text: str) -> float:
    start = time.perf_counter()
    for _match in pattern.finditer(text):
        pass
    return time.perf_counter() - start


@pytest.mark.parametrize(("name", "pattern"), _PATTERNS, ids=[name for name, _ in _PATTERNS])
def test_no_pattern_backtracks_catastrophically(name: str, pattern: re.Pattern[str]) -> None:
    slow: list[str] = []
    for label, text in _pathological():
        seconds = _elapsed(pattern, text)
        if seconds > _LIMIT_S:
            # One retry absorbs a scheduling hiccup on a busy machine; a quadratic pattern is slow twice.
            seconds = min(seconds, _elapsed(pattern, text))
        if seconds > _LIMIT_S:
            slow.append(f"{label}: {seconds * 1000:.0f} ms")
    assert not slow, f"{name} takes more than {_LIMIT_S * 1000:.0f} ms on 20,000 characters of {slow}"
