"""The word lists in config/data/: each entry is a valid pattern backed by two real texts."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from config import DATA_DIR

WCEP = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "wcep-2025.jsonl"
VETOES = json.loads((DATA_DIR / "vetoes.json").read_text(encoding="utf-8"))
LISTS = [name for name in VETOES if not name.startswith("_")]


@pytest.fixture(scope="module")
def wcep_texts() -> dict[str, str]:
    if not WCEP.is_file():
        pytest.skip(f"{WCEP} is absent")
    items = (json.loads(line) for line in WCEP.read_text(encoding="utf-8").splitlines())
    return {item["id"]: item["text"] for item in items}


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
def test_every_veto_entry_occurs_in_its_two_real_examples(name, wcep_texts):
    for e in VETOES[name]["entries"]:
        rx = re.compile(rf"\b(?:{e['pattern']})\b", re.IGNORECASE)
        for item_id in e["examples"]:
            assert item_id in wcep_texts, f"{name}: unknown example {item_id}"
            assert item_id < "wcep-2025-12", f"{name}: {item_id} is in the untouched test month"
            assert rx.search(wcep_texts[item_id]), f"{name}: {e['pattern']!r} not in {item_id}"
