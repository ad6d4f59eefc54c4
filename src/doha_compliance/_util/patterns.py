"""Regular expressions from a mapping file, kept to a subset that cannot make matching hang.

Python's `re` backtracks: `^(a+)+$` on a 30-character name takes 44 s, doubling with each character.
A mapping file comes from a third party, so its patterns are parsed with Python's own parser when
the mapping is loaded, and refused (`unsafe` says why, in one line) when they use what makes
backtracking blow up or what names never need:
- a repeat (`*`, `+`, `?`, `{m,n}`) inside a repeat (`(a+)+`, `(a*b?)*`): exponential;
- an alternation inside a repeat whose alternatives can start with the same character (`(a|ab)+`):
  exponential as well (alternatives that start differently, `(North|South)+`, are kept);
- more than `MAX_REPEATS` repeats one after another that can each match more or less (`a*a*a*b`):
  polynomial, n^4 on a long name (a fixed count such as `\\d{4}` is no choice and is not counted);
- a repeat count over `MAX_COUNT` (`x{4294967296}` overflows Python's parser);
- backreferences (`\\1`, `(?(1)...)`) and lookarounds (`(?=`, `(?!`, `(?<=`, `(?<!`);
- nesting deeper than `MAX_DEPTH` groups (5,000 nested groups overflow Python's parser) or a
  pattern longer than `MAX_PATTERN_CHARS`.
Within the subset a match costs at most about n^3 steps for a name of n characters, so names are
matched only up to `MAX_MATCH_CHARS` characters: a longer one matches no pattern (`search`).
"""
from __future__ import annotations

import importlib
import re
from typing import Any, FrozenSet, List, Optional, Tuple

MAX_COUNT = 1_000          # the largest repeat count ({m,n})
MAX_REPEATS = 2            # repeats with a choice, one after another
MAX_DEPTH = 50             # groups inside one another
MAX_PATTERN_CHARS = 10_000
MAX_MATCH_CHARS = 1_000    # a name, or a cell a condition tests, is matched only up to this length

try:  # Python 3.11+: the parser moved; `sre_parse` still imports there, with a DeprecationWarning
    _parser: Any = importlib.import_module("re._parser")
except ImportError:  # pragma: no cover - Python 3.10
    _parser = importlib.import_module("sre_parse")

_MAXREPEAT: int = _parser.MAXREPEAT
_REPEATS = {"MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"}
_REFUSED = {"GROUPREF": "a backreference", "GROUPREF_EXISTS": "a backreference (?(group)...)",
            "GROUPREF_IGNORE": "a backreference", "GROUPREF_LOC_IGNORE": "a backreference",
            "GROUPREF_UNI_IGNORE": "a backreference", "ASSERT": "a lookahead or lookbehind",
            "ASSERT_NOT": "a negative lookahead or lookbehind"}


class Unsafe(Exception):
    """Why a pattern is outside the subset (one line)."""


def _items(sub: Any) -> List[Tuple[str, Any]]:
    return [(str(op), av) for op, av in sub]


def _has_choice(lo: int, hi: int) -> bool:
    return hi != lo


def _first_chars(sub: Any) -> Optional[FrozenSet[int]]:
    """The characters an alternative can start with, when that is plainly known (None otherwise)."""
    items = _items(sub)
    if not items:
        return None
    op, av = items[0]
    if op == "LITERAL":
        return frozenset((av,))
    if op == "IN" and all(str(o) == "LITERAL" for o, _ in av):
        return frozenset(v for _, v in av)
    if op == "SUBPATTERN":
        return _first_chars(av[-1])
    return None


def _walk(sub: Any, depth: int, in_repeat: bool) -> int:
    """Check a parsed (sub)pattern; return how many repeats with a choice it has one after another."""
    if depth > MAX_DEPTH:
        raise Unsafe(f"groups nested more than {MAX_DEPTH} deep")
    total = 0
    for op, av in _items(sub):
        if op in _REFUSED:
            raise Unsafe(f"{_REFUSED[op]} is not allowed (a name never needs one, and it can make matching hang)")
        if op in _REPEATS:
            lo, hi, body = av
            for count in (lo, hi):
                if count != _MAXREPEAT and count > MAX_COUNT:
                    raise Unsafe(f"a repeat count over {MAX_COUNT:,} ({count:,})")
            repeats = hi > 1 or _has_choice(lo, hi)
            if in_repeat and repeats:
                raise Unsafe("a repeat inside a repeat, such as (a+)+, can make matching take hours: "
                             "write the inner part once, e.g. (a+) for (a+)+")
            inner = _walk(body, depth + 1, in_repeat or hi > 1)
            total += inner + (1 if _has_choice(lo, hi) else 0)
        elif op in ("SUBPATTERN", "ATOMIC_GROUP"):
            total += _walk(av[-1] if op == "SUBPATTERN" else av, depth + 1, in_repeat)
        elif op == "BRANCH":
            alternatives = av[1]
            if in_repeat:
                starts = [_first_chars(a) for a in alternatives]
                seen: FrozenSet[int] = frozenset()
                for chars in starts:
                    if chars is None or chars & seen:
                        raise Unsafe("alternatives inside a repeat that can start with the same text, such as "
                                     "(a|ab)+, can make matching take hours")
                    seen |= chars
            total += max((_walk(a, depth + 1, in_repeat) for a in alternatives), default=0)
    return total


def unsafe(text: str) -> Optional[str]:
    """Why the pattern is outside the subset (one line), or None when it is inside.
    A pattern Python cannot compile is not judged here: `re.compile` says why."""
    if len(text) > MAX_PATTERN_CHARS:
        return f"longer than {MAX_PATTERN_CHARS:,} characters"
    try:
        parsed = _parser.parse(text)
        if _walk(parsed, 0, False) > MAX_REPEATS:
            return (f"more than {MAX_REPEATS} repeats (*, +, ?, {{m,n}}) one after another, such as a*a*a*b, "
                    "can make matching slow on long names")
    except Unsafe as exc:
        return str(exc)
    except OverflowError:
        return f"a repeat count over {MAX_COUNT:,}"
    except RecursionError:
        return f"groups nested more than {MAX_DEPTH} deep"
    except re.error:
        return None
    return None


def search(pattern: "re.Pattern[str]", text: str) -> bool:
    """Does the pattern match somewhere in the text? A text longer than MAX_MATCH_CHARS matches nothing."""
    return len(text) <= MAX_MATCH_CHARS and pattern.search(text) is not None
