"""The word lists in config/data/: each entry is a valid pattern backed by two real texts."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from config import DATA_DIR

SHARED_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
WCEP = SHARED_DATA / "wcep-2025.jsonl"
GEOVIRUS = SHARED_DATA / "GeoVirus.xml"
VETOES = json.loads((DATA_DIR / "vetoes.json").read_text(encoding="utf-8"))
LISTS = [name for name in VETOES if not name.startswith("_")]


@pytest.fixture(scope="module")
def real_texts() -> dict[str, str]:
    """WCEP-2025 items by id and GeoVirus articles as 'geovirus:N'."""
    if not (WCEP.is_file() and GEOVIRUS.is_file()):
        pytest.skip(f"{SHARED_DATA} is absent")
    from bot.analysis.evaluate_places import load_geovirus

    items = (json.loads(line) for line in WCEP.read_text(encoding="utf-8").splitlines())
    texts = {item["id"]: item["text"] for item in items}
    texts.update((f"geovirus:{n}", a.text) for n, a in enumerate(load_geovirus(GEOVIRUS)))
    return texts


def _pages(examples: list[str], entry: str) -> bool:
    """Whether the entry's examples are news pages read by hand (the shared news holds no
    example of the phrase); then they must all be pages, from two or more publishers."""
    pages = [x for x in examples if x.startswith(("http://", "https://"))]
    if not pages:
        return False
    assert pages == examples, f"{entry!r} mixes pages and items"
    hosts = {urlsplit(x).hostname.removeprefix("www.").removeprefix("www3.") for x in pages}
    assert len(hosts) >= 2, f"{entry!r} needs two publishers"
    return True


@pytest.mark.parametrize("name", LISTS)
def test_veto_list_is_well_formed(name):
    entries = VETOES[name]["entries"]
    assert entries, f"{name} is empty"
    patterns = [e["pattern"] for e in entries]
    assert len(patterns) == len(set(patterns)), f"{name} repeats an entry"
    for e in entries:
        re.compile(e["pattern"])
        assert len(set(e["examples"])) >= 2, f"{name}: {e['pattern']!r} needs two examples"


@pytest.mark.parametrize("name", LISTS)
def test_every_veto_entry_occurs_in_its_two_real_examples(name, real_texts):
    for e in VETOES[name]["entries"]:
        rx = re.compile(rf"\b(?:{e['pattern']})\b", re.IGNORECASE)
        if _pages(e["examples"], f"{name}: {e['pattern']}"):
            continue
        for item_id in e["examples"]:
            assert item_id in real_texts, f"{name}: unknown example {item_id}"
            assert not item_id.startswith("wcep-2025-12"), f"{item_id} is in the test month"
            assert rx.search(real_texts[item_id]), f"{name}: {e['pattern']!r} not in {item_id}"


TRAINING = Path(__file__).resolve().parent.parent / "training" / "wcep-2025-events.jsonl"
TRIGGERS = json.loads((DATA_DIR / "triggers.json").read_text(encoding="utf-8"))["triggers"]
# What bot.analysis.triggers reads from an entry: any other key would be silently ignored.
KNOWN_KEYS = {"type", "pattern", "strength", "needs", "place_object", "nominal", "decisive",
              "examples"}


def test_trigger_lexicon_is_well_formed():
    from bot.models import EVENT_TYPES

    keys = [(t["type"], t["pattern"], tuple(t.get("needs", ()))) for t in TRIGGERS]
    assert len(keys) == len(set(keys)), "a trigger is repeated"
    for t in TRIGGERS:
        re.compile(t["pattern"])
        assert t["type"] in EVENT_TYPES and 0 < t["strength"] <= 1
        assert set(t) <= KNOWN_KEYS, f"{t['pattern']!r}: unknown keys {set(t) - KNOWN_KEYS}"
        assert len(set(t["examples"])) >= 2, f"{t['pattern']!r} needs two examples"


def test_every_trigger_matches_two_real_items_labelled_with_its_type():
    labelled = {}
    for line in TRAINING.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        labelled[item["id"]] = item
    for t in TRIGGERS:
        rx = re.compile(t["pattern"], re.IGNORECASE)
        if _pages(t["examples"], t["pattern"]):
            continue
        for item_id in t["examples"]:
            item = labelled[item_id]
            assert item["split"] != "test", f"{item_id} is in the untouched test month"
            assert any(e["type"] == t["type"] for e in item["events"]), (t["pattern"], item_id)
            assert rx.search(item["text"]), f"{t['pattern']!r} not in {item_id}"


CLAUSE_WORDS = json.loads((DATA_DIR / "clause_words.json").read_text(encoding="utf-8"))
WORD_LISTS = [name for name in CLAUSE_WORDS if not name.startswith("_")]


@pytest.mark.parametrize("name", WORD_LISTS)
def test_clause_word_list_is_well_formed(name):
    entries = CLAUSE_WORDS[name]["entries"]
    assert entries and CLAUSE_WORDS[name]["about"], f"{name} is empty or undescribed"
    words = [e["word"] for e in entries]
    assert len(words) == len(set(words)), f"{name} repeats a word"
    for e in entries:
        assert e["word"] == e["word"].lower().strip() and " " not in e["word"], e["word"]
        assert len(set(e["examples"])) >= 2, f"{name}: {e['word']!r} needs two examples"


@pytest.fixture(scope="module")
def example_words(real_texts) -> dict[str, set[str]]:
    """Per example text cited in clause_words.json, its tokens' lower-case forms and lemmas
    as the shipped parser reads them (the checks compare the same)."""
    from bot.analysis.nlp import get_nlp

    ids = sorted({x for v in WORD_LISTS for e in CLAUSE_WORDS[v]["entries"]
                  for x in e["examples"]})
    assert not (unknown := [x for x in ids if x not in real_texts]), f"unknown {unknown}"
    docs = get_nlp().pipe((real_texts[x] for x in ids), batch_size=64)
    return {x: {w for t in doc for w in (t.lower_, t.lemma_.lower())}
            for x, doc in zip(ids, docs, strict=True)}


@pytest.mark.parametrize("name", WORD_LISTS)
def test_every_clause_word_occurs_in_its_two_real_examples(name, example_words, real_texts):
    as_text = CLAUSE_WORDS[name].get("match") == "text"  # read in the text: "army's"
    for e in CLAUSE_WORDS[name]["entries"]:
        for item_id in e["examples"]:
            assert not item_id.startswith("wcep-2025-12"), f"{item_id} is in the test month"
            found = (re.search(rf"(?<!\w){re.escape(e['word'])}(?!\w)", real_texts[item_id],
                               re.IGNORECASE) if as_text else e["word"] in example_words[item_id])
            assert found, f"{name}: {e['word']!r} not in {item_id}"


def test_the_checks_read_every_clause_word_list():
    """No list in the file is dead: each is read by name in bot/analysis."""
    analysis = Path(__file__).resolve().parent.parent / "bot" / "analysis"
    code = "".join(p.read_text(encoding="utf-8") for p in analysis.glob("*.py"))
    for name in WORD_LISTS:
        assert f'words("{name}")' in code, f"{name} is read by nothing"


# The pattern word lists: per file, the module that reads it (training/pattern_examples.py
# finds their examples).
PATTERN_FILES = {"contexts.json": "triggers", "false_friends.json": "triggers",
                 "casualty_words.json": "casualties", "summary_words.json": "summary"}
PATTERN_LISTS = {
    (f, name): lst
    for f in PATTERN_FILES
    for name, lst in json.loads((DATA_DIR / f).read_text(encoding="utf-8")).items()
    if not name.startswith("_")
}


@pytest.mark.parametrize("key", PATTERN_LISTS, ids="/".join)
def test_pattern_list_is_well_formed(key):
    from bot.models import EVENT_TYPES

    lst = PATTERN_LISTS[key]
    assert lst["entries"] and lst["about"], f"{key} is empty or undescribed"
    assert lst["types"] and set(lst["types"]) <= set(EVENT_TYPES), key
    patterns = [e["pattern"] for e in lst["entries"]]
    assert len(patterns) == len(set(patterns)), f"{key} repeats an entry"
    for e in lst["entries"]:
        re.compile(e["pattern"])
        assert set(e) <= {"pattern", "examples", "note"}, f"{key}: {e['pattern']!r}: keys"
        assert len(set(e["examples"])) >= 2, f"{key}: {e['pattern']!r} needs two examples"


@pytest.mark.parametrize("key", PATTERN_LISTS, ids="/".join)
def test_every_pattern_entry_occurs_in_its_two_real_examples(key, real_texts):
    for e in PATTERN_LISTS[key]["entries"]:
        rx = re.compile(rf"\b(?:{e['pattern']})\b", re.IGNORECASE)
        if _pages(e["examples"], f"{key}: {e['pattern']}"):
            continue
        days = {x[:15] if x.startswith("wcep") else x for x in e["examples"]}
        assert len(days) >= 2, f"{key}: {e['pattern']!r}: two texts of one day"
        for item_id in e["examples"]:
            assert item_id in real_texts, f"{key}: unknown example {item_id}"
            assert not item_id.startswith("wcep-2025-12"), f"{item_id} is in the test month"
            assert rx.search(real_texts[item_id]), f"{key}: {e['pattern']!r} not in {item_id}"


def test_every_pattern_list_is_read():
    """No list is dead: each is read by name in the module that uses it, and a trigger's
    `needs` names only a context the lexicon builds."""
    from bot.analysis import triggers

    analysis = Path(triggers.__file__).parent
    for f, name in PATTERN_LISTS:
        code = (analysis / f"{PATTERN_FILES[f]}.py").read_text(encoding="utf-8")
        assert f'"{name}"' in code or f"'{name}'" in code, f"{f}: {name} is read by nothing"
    for t in TRIGGERS:
        assert set(t.get("needs", ())) <= set(triggers.CONTEXT), t["pattern"]
