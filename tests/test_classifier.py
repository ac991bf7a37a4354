"""The trained sentence classifier: shipped with the package, deterministic to rebuild."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.analysis.classifier import (
    MODEL_DIR,
    EventClassifier,
    model_input,
    sentence_case,
    stems,
)
from bot.models import EVENT_TYPES

ROOT = Path(__file__).resolve().parent.parent


def test_the_model_ships_inside_the_package_with_a_card_and_thresholds():
    for name in ("config.cfg", "meta.json", "thresholds.json", "MODEL_CARD.md"):
        assert (MODEL_DIR / name).is_file(), name
    card = (MODEL_DIR / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert "CC BY-SA 4.0" in card and "Portal:Current events" in card
    thresholds = json.loads((MODEL_DIR / "thresholds.json").read_text())["thresholds"]
    assert set(thresholds) == set(EVENT_TYPES)
    assert all(0 < v < 1 for v in thresholds.values())


def _train_and_tune_items(train_events) -> list[dict]:
    items = train_events.load_items(ROOT / "training" / "wcep-2025-events.jsonl")
    return [i for i in items if i["split"] == "train"] + [i for i in items if i["split"] == "tune"]


def test_the_shipped_model_read_the_inputs_of_today(train_events):
    # The model reads each sentence with the lexicon's cue markers: a trigger, context word
    # or veto changed after training feeds it cues it never learnt to weigh, and `make train`
    # no longer rebuilds the shipped weights.
    meta = json.loads((MODEL_DIR / "thresholds.json").read_text())
    assert meta.get("inputs_sha256") == train_events.inputs_digest(
        _train_and_tune_items(train_events)), (
        "the classifier's inputs on the training data changed since the event model was "
        "trained (config/data/triggers.json, contexts.json or false_friends.json, "
        "bot/analysis/triggers.py, or the text normalisation): run `make train` and check "
        "`make eval` before shipping the new weights")


def test_the_shipped_model_says_which_numeric_stack_built_it(train_events):
    # The same inputs give the same bytes only under the same library versions: the shipped
    # weights record theirs, so a rebuild can be compared with them.
    meta = json.loads((MODEL_DIR / "thresholds.json").read_text())
    assert set(meta["built_with"]) == set(train_events.built_with()) == {
        "spacy", "thinc", "numpy", "blis"}
    assert all(v[0].isdigit() for v in meta["built_with"].values())
    # and `make install` installs those versions (constraints.txt), so a fresh clone's
    # `make train` rebuilds the shipped bytes
    pins = dict(line.split("==") for line in (ROOT / "constraints.txt").read_text().splitlines()
                if line and not line.startswith("#"))
    assert pins == meta["built_with"]


def test_the_inputs_digest_sees_a_changed_context_word(monkeypatch, train_events):
    # Context words live in contexts.json, not in triggers.json: the digest must still
    # notice them.
    import re

    from bot.analysis import triggers

    items = [i for i in _train_and_tune_items(train_events) if "troops" in i["text"]][:40]
    before = train_events.inputs_digest(items)
    assert train_events.inputs_digest(items) == before
    monkeypatch.setitem(triggers.CONTEXT, "armed", re.compile(r"(?!x)x"))
    assert train_events.inputs_digest(items) != before


def test_probabilities_cover_every_type():
    clf = EventClassifier()
    [probs] = clf.probabilities([model_input("Rebels shell the city of Goma.", ["attack"])])
    assert set(probs) == set(EVENT_TYPES)
    assert all(0.0 <= p <= 1.0 for p in probs.values())


def test_a_missing_model_says_how_to_rebuild_it(tmp_path):
    from bot.analysis.classifier import ClassifierMissingError

    with pytest.raises(ClassifierMissingError, match="make train"):
        EventClassifier(tmp_path).probabilities(["text"])


def test_title_case_reads_like_a_sentence_and_tenses_share_stems():
    assert sentence_case("Police Use Water Cannon On Protesters In Tbilisi") == (
        "Police use water cannon on protesters in tbilisi"
    )
    assert sentence_case("M23 Rebels Seize Goma") == "M23 rebels seize goma"
    assert sentence_case("Rebels seize the town of Goma") == "Rebels seize the town of Goma"
    assert stems("launch launches launched") == "launch launch launch"
    assert stems("shelling shelled") == "shel shel"


def test_cues_are_marker_words_after_the_text():
    text = model_input("Troops shelled Kharkiv.", ["attack", "civilian_harm", "attack"])
    assert text.splitlines()[-1] == "cueattack cuecivilianharm"


@pytest.mark.slow
def test_training_is_deterministic(tmp_path):
    data = ROOT / "training" / "wcep-2025-events.jsonl"
    items = [json.loads(line) for line in data.read_text(encoding="utf-8").splitlines()]
    small = [i for i in items if i["split"] == "train"][:120]
    small += [i for i in items if i["split"] == "tune"][:40]
    subset = tmp_path / "small.jsonl"
    subset.write_text("".join(json.dumps(i) + "\n" for i in small), encoding="utf-8")
    outs = []
    for name in ("a", "b"):
        out = tmp_path / name
        subprocess.run(
            [sys.executable, str(ROOT / "training" / "train_events.py"), "--data", str(subset),
             "--out", str(out), "--epochs", "2"],
            check=True, capture_output=True, timeout=300,
        )
        outs.append(out)
    weights = [(o / "textcat_multilabel" / "model").read_bytes() for o in outs]
    assert weights[0] == weights[1]
    assert (outs[0] / "thresholds.json").read_text() == (outs[1] / "thresholds.json").read_text()


def test_an_ensemble_can_start_from_the_shipped_parsers_tok2vec(train_events):
    import numpy
    import spacy
    from spacy.training import Example

    from bot.analysis.nlp import get_nlp

    architecture, weights = train_events.shipped_tok2vec()
    nlp = spacy.blank("en")
    textcat = nlp.add_pipe("textcat_multilabel", config=train_events.model_config(
        arch="ensemble", tok2vec=architecture))
    for label in EVENT_TYPES:
        textcat.add_label(label)
    cats = dict.fromkeys(EVENT_TYPES, 0.0)
    nlp.initialize(lambda: [Example.from_dict(nlp.make_doc("Troops shelled the town."),
                                              {"cats": {**cats, "attack": 1.0}}),
                            Example.from_dict(nlp.make_doc("Markets rose."), {"cats": cats})])
    ours = textcat.model.get_ref("tok2vec")
    shipped = get_nlp().get_pipe("tok2vec").model
    doc = nlp.make_doc("Rebels stormed the village at dawn.")
    assert not numpy.allclose(ours.predict([doc])[0], shipped.predict([doc])[0])
    ours.from_bytes(weights)
    assert numpy.allclose(ours.predict([doc])[0], shipped.predict([doc])[0])
