"""training/word_examples.py: how the examples of config/data/clause_words.json are picked."""

from __future__ import annotations

import json

from config import DATA_DIR

WORDS_FILE = DATA_DIR / "clause_words.json"


def test_the_best_texts_of_two_different_days_are_picked(word_examples):
    seen = [(3, "wcep-2025-01-01-00001"), (0, "wcep-2025-01-01-00003"),
            (0, "wcep-2025-01-01-00002"), (1, "wcep-2025-02-01-00009"),
            (0, "wcep-2025-01-01-00002")]  # a text seen twice counts once
    assert word_examples.two_examples(seen) == ["wcep-2025-01-01-00002",
                                                "wcep-2025-02-01-00009"]
    assert word_examples.two_examples([(0, "geovirus:4"), (0, "geovirus:7")]) == [
        "geovirus:4", "geovirus:7"]  # GeoVirus articles are independent of each other
    # one text is all there is: the script then leaves the word out
    assert word_examples.two_examples([(2, "wcep-2025-03-03-00010")]) == [
        "wcep-2025-03-03-00010"]


def test_every_list_says_what_shows_its_words_at_work(word_examples):
    names = [n for n in json.loads(WORDS_FILE.read_text(encoding="utf-8")) if n[0] != "_"]
    assert set(names) == set(word_examples.CONTEXT)
    assert set(names) >= word_examples.HEADS


def test_writing_the_file_keeps_its_layout(word_examples):
    text = WORDS_FILE.read_text(encoding="utf-8")
    assert word_examples.dump(json.loads(text)) == text
