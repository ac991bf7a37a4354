"""training/crossval_events.py: held-out figures for the train split without the test split."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "training" / "wcep-2025-events.jsonl"


def test_each_quarter_is_held_out_from_its_own_model_and_december_from_all(crossval_events):
    items = crossval_events.train_events.load_items(DATA)
    train_ids = {i["id"] for i in items if i["split"] == "train"}
    held_out_ids: set[str] = set()
    for training, held_out in crossval_events.folds(items):
        assert training and held_out
        assert not {i["id"] for i in training} & {i["id"] for i in held_out}
        assert {i["split"] for i in training + held_out} == {"train"}
        assert len({crossval_events.quarter(i) for i in held_out}) == 1
        held_out_ids |= {i["id"] for i in held_out}
    assert held_out_ids == train_ids  # every train item is judged once, nothing else


def test_a_fold_model_is_the_same_every_time(crossval_events):
    items = [i for i in crossval_events.train_events.load_items(DATA) if i["split"] == "train"][:60]
    first = crossval_events.train_fold(items, epochs=1).to_bytes()
    assert crossval_events.train_fold(items, epochs=1).to_bytes() == first


def test_the_command_explains_itself_with_an_example():
    out = subprocess.run([sys.executable, str(ROOT / "training" / "crossval_events.py"),
                          "--help"], capture_output=True, text=True, check=True).stdout
    assert "example:" in out and "--out" in out
