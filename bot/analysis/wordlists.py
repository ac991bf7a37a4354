"""The word lists of ``config/data/``, each file read once: the parse-based checks' words
(``clause_words.json``: lower-case lemmas or word forms) and the pattern lists (vetoes,
trigger contexts, false friends, casualty and summary words: one regular expression an
entry). Every entry is backed by two real texts (``tests/test_lexicons.py`` checks them;
``training/word_examples.py`` and ``training/pattern_examples.py`` find them)."""

from __future__ import annotations

import json
import re
from functools import cache

from config import DATA_DIR


@cache
def _file(name: str) -> dict:
    with open(DATA_DIR / name, encoding="utf-8") as f:
        return json.load(f)


def words(name: str) -> frozenset[str]:
    """One list of ``config/data/clause_words.json`` as a set of lower-case words."""
    return frozenset(e["word"] for e in _file("clause_words.json")[name]["entries"])


def patterns(file: str, name: str) -> list[str]:
    """The entries of one pattern list of ``config/data/<file>``, in the file's order."""
    return [e["pattern"] for e in _file(file)[name]["entries"]]


def whole_words(*alternatives: str) -> re.Pattern[str]:
    """Any of the alternatives as a whole word or phrase, in any case."""
    return re.compile(r"\b(?:" + "|".join(alternatives) + r")\b", re.IGNORECASE)
