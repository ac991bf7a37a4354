"""Strings a regular expression cannot match without: a cheap test before running it.

`required_literals(pattern)` reads a compiled pattern's syntax tree and returns a set of
plain strings such that every match of the pattern contains at least one of them, or None
when it cannot name such a set. A text that contains none of the strings cannot match, so
`any(s in fold(text) for s in literals)` may skip the pattern without changing a result:
a substring test is far cheaper than Python's regex engine trying every alternative of a
long pattern at every position.

The strings are lower-case ASCII and are looked for in `fold(text)`, a lower-casing that
also maps the four non-ASCII characters that Python's case-insensitive matching takes for
an ASCII letter (Kelvin sign, long s, dotted and dotless capital/small i). Only ASCII
literals are used, so no other character can match one of them.
"""

from __future__ import annotations

import re
from itertools import product

try:  # Python 3.11+: the parser that `re` itself compiles with
    from re import _constants as _c
    from re import _parser as _p
except ImportError:  # pragma: no cover - older Pythons
    import sre_constants as _c  # type: ignore[no-redef]
    import sre_parse as _p  # type: ignore[no-redef]

MAX_STRINGS = 64  # a longer list of alternatives costs more to test than it saves
_ZERO_WIDTH = frozenset({""})
_FOLD = str.maketrans({"\u212a": "k", "\u017f": "s", "\u0130": "i", "\u0131": "i"})


def fold(text: str) -> str:
    """The text as the required literals are looked for in it."""
    return text.lower() if text.isascii() else text.translate(_FOLD).lower()


def _char(code: int) -> str | None:
    ch = chr(code)
    return ch.lower() if ch.isascii() else None


def _join(left: frozenset[str], right: frozenset[str]) -> frozenset[str] | None:
    if len(left) * len(right) > MAX_STRINGS:
        return None
    return frozenset(a + b for a, b in product(left, right))


def _minimal(strings: frozenset[str] | None) -> frozenset[str] | None:
    """Drop each string that contains another: finding the shorter one is enough."""
    if not strings or "" in strings:
        return strings
    return frozenset(s for s in strings if not any(o != s and o in s for o in strings))


def _better(a: frozenset[str] | None, b: frozenset[str] | None) -> frozenset[str] | None:
    """The more selective of two requirements: longer shortest string, then fewer strings."""
    a, b = _minimal(a), _minimal(b)

    def score(s: frozenset[str] | None) -> tuple[int, int]:
        if not s or "" in s:
            return (-1, 0)
        return (min(map(len, s)), -len(s))
    best = max((a, b), key=score)
    return best if score(best)[0] > 0 else None


class _Node:
    """What one piece of a pattern matches: `exact` is every string it can match, when that
    is a short finite list; `required` is a set one of whose strings every match contains."""

    __slots__ = ("exact", "required")

    def __init__(self, exact: frozenset[str] | None, required: frozenset[str] | None):
        self.exact = exact
        self.required = required if exact is None else _better(required, exact)


def _sequence(items: list) -> _Node:
    run: frozenset[str] | None = _ZERO_WIDTH  # exact strings of the current run of pieces
    whole: frozenset[str] | None = _ZERO_WIDTH  # exact strings of the whole sequence
    required: frozenset[str] | None = None
    for op, av in items:
        node = _item(op, av)
        required = _better(required, node.required)
        whole = _join(whole, node.exact) if whole is not None and node.exact is not None else None
        if node.exact is None:
            required = _better(required, run)
            run = _ZERO_WIDTH
            continue
        joined = _join(run, node.exact)
        if joined is None:  # too many combinations: keep the run so far, start anew
            required = _better(required, run)
            joined = node.exact
        run = joined
    required = _better(required, run)
    return _Node(whole, required)


def _branches(alternatives: list) -> _Node:
    nodes = [_sequence(list(a)) for a in alternatives]
    exact: frozenset[str] | None = frozenset()
    required: frozenset[str] | None = frozenset()
    for n in nodes:
        exact = exact | n.exact if exact is not None and n.exact is not None else None
        if exact is not None and len(exact) > MAX_STRINGS:
            exact = None
        need = n.required
        required = required | need if required is not None and need else None
    required = _minimal(required)
    if required is not None and len(required) > MAX_STRINGS:
        required = None
    return _Node(exact, required)


def _item(op, av) -> _Node:
    if op is _c.LITERAL:
        ch = _char(av)
        return _Node(frozenset({ch}) if ch is not None else None, None)
    if op is _c.IN:
        chars: set[str] = set()
        for sub_op, sub_av in av:
            if sub_op is _c.LITERAL and (ch := _char(sub_av)) is not None:
                chars.add(ch)
            elif sub_op is _c.RANGE and sub_av[1] - sub_av[0] < 16 and sub_av[1] < 128:
                chars.update(chr(c).lower() for c in range(sub_av[0], sub_av[1] + 1))
            else:  # a negation, a category (\w, \d) or a non-ASCII character
                return _Node(None, None)
        return _Node(frozenset(chars), None)
    if op is _c.SUBPATTERN:
        return _sequence(list(av[-1]))
    if op is getattr(_c, "ATOMIC_GROUP", None):
        return _sequence(list(av))
    if op is _c.BRANCH:
        return _branches(av[1])
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", None)):
        low, high, body = av
        node = _sequence(list(body))
        exact = None
        if node.exact is not None and high <= 3:
            exact = frozenset()
            for n in range(low, high + 1):
                part: frozenset[str] | None = _ZERO_WIDTH
                for _ in range(n):
                    part = _join(part, node.exact) if part is not None else None
                exact = exact | part if exact is not None and part is not None else None
            if exact is not None and len(exact) > MAX_STRINGS:
                exact = None
        return _Node(exact, node.required if low >= 1 else None)
    if op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT):
        return _Node(_ZERO_WIDTH, None)  # consumes nothing
    return _Node(None, None)  # any character, a category, a back-reference, …


def required_literals(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Strings one of which every match of the pattern contains (lower-case, to be looked
    for in `fold(text)`), or None when the pattern names no such strings."""
    try:
        tree = _p.parse(pattern.pattern, pattern.flags)
    except Exception:  # pragma: no cover - a construct this parser does not know
        return None
    return _sequence(list(tree)).required


def _trie(strings: list[str]) -> str:
    """A regex matching the longest of `strings` that starts where it is tried."""
    root: dict = {}
    for s in strings:
        node = root
        for ch in s:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:
        branches = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body  # greedy: the longer string first

    return emit(root)


class Prefilter:
    """Which of several patterns may match a text, from one scan for their required literals.

    `candidates(text)` lists (in order) the indices of the patterns that may match: those
    with no required literals, and those one of whose literals the text contains. Every
    other pattern cannot match, so running only the candidates changes no result.
    """

    def __init__(self, patterns: list[re.Pattern[str]]):
        literals = [required_literals(p) for p in patterns]
        self._always = frozenset(i for i, lits in enumerate(literals) if lits is None)
        owners: dict[str, set[int]] = {}
        for i, lits in enumerate(literals):
            for s in lits or ():
                owners.setdefault(s, set()).add(i)
        strings = sorted(owners)
        # the scan reports the longest literal at each position; the shorter ones that
        # start there are its prefixes
        self._at: dict[str, frozenset[int]] = {
            s: frozenset(i for p in strings if s.startswith(p) for i in owners[p])
            for s in strings
        }
        self._scan = re.compile(f"(?=({_trie(strings)}))") if strings else None

    def candidates(self, text: str) -> list[int]:
        found = set(self._always)
        if self._scan is not None:
            for m in self._scan.finditer(fold(text)):
                found |= self._at[m.group(1)]
        return sorted(found)
