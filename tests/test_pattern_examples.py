"""training/pattern_examples.py: how the examples of config/data/contexts.json are picked."""

from __future__ import annotations

import json

from config import DATA_DIR

CONTEXTS_FILE = DATA_DIR / "contexts.json"


def test_pages_read_by_hand_are_kept_and_texts_are_picked_afresh(pattern_examples):
    pages = ["https://one.example/a", "https://two.example/b"]
    seen = [(2, "wcep-2025-01-01-00001"), (0, "wcep-2025-03-01-00030"),
            (0, "wcep-2025-03-01-00031"), (1, "geovirus:5")]
    assert pattern_examples.examples_for({"pattern": "x", "examples": pages}, seen) == pages
    # the old examples do not matter: the best texts of two different days are picked
    stale = {"pattern": "x", "examples": ["wcep-2025-01-01-00001", "geovirus:9"]}
    assert pattern_examples.examples_for(stale, seen) == ["wcep-2025-03-01-00030",
                                                          "geovirus:5"]
    assert pattern_examples.examples_for({"pattern": "x", "examples": []}, []) == []


def test_an_entry_matches_as_a_whole_word_in_any_case(pattern_examples):
    rx = pattern_examples.entry_pattern({"pattern": "troops?", "examples": []})
    assert rx.search("Russian TROOPS advance") and not rx.search("a troopship sails")


def test_writing_the_file_keeps_its_layout(word_examples):
    text = CONTEXTS_FILE.read_text(encoding="utf-8")
    assert word_examples.dump(json.loads(text)) == text
