"""The word lists the parse-based checks compare tokens with, read once from
``config/data/clause_words.json``: each entry a lower-case lemma or word form backed by two
real texts (``tests/test_lexicons.py`` checks them; ``training/word_examples.py`` finds
them)."""

from __future__ import annotations

import json

from config import DATA_DIR

with open(DATA_DIR / "clause_words.json", encoding="utf-8") as _f:
    _LISTS = json.load(_f)


def words(name: str) -> frozenset[str]:
    """One list of ``config/data/clause_words.json`` as a set of lower-case words."""
    return frozenset(e["word"] for e in _LISTS[name]["entries"])
