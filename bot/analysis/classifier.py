"""Which sentences report which event types: the trained sentence classifier.

A spaCy ``textcat_multilabel`` pipeline trained on hand-labelled real news
(``training/train_events.py``; data and figures in ``config/data/event_model/MODEL_CARD.md``)
gives each sentence a probability per event type. Each type has its own threshold, chosen
on the tuning split and shipped beside the weights in ``thresholds.json``. The model is read
from the installed package: nothing is downloaded.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bot.models import EVENT_TYPES
from config import DATA_DIR

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from spacy.language import Language

MODEL_DIR = DATA_DIR / "event_model"
# Fewer positive training sentences than this and the model's "no" on a type is weak
# evidence: a strong lexicon word may stand against it (see bot.analysis.events). With 69
# and then 75 capture sentences the model still missed captures in whole articles (dev,
# regression sets) that the lexicon finds; on news summaries the lexicon costs a little
# precision (tune F1 0.820 vs 0.816).
THIN_TYPE = 100
CUE_PREFIX = "cue"
# Longer "sentences" are lists, tables or run-on markup: classify their head only.
MAX_CHARS = 2000


def sentence_case(text: str) -> str:
    """'Police Use Water Cannon On Protesters' → 'Police use water cannon on protesters':
    headlines in title case read like the sentences the model learnt from. Acronyms and
    words with inner capitals ("M23", "McDonald") keep their case."""
    words = text.split(" ")
    alpha = [w for w in words if w[:1].isalpha()]
    if len(alpha) < 3 or sum(w[:1].isupper() for w in alpha) < 0.6 * len(alpha):
        return text
    out = [words[0]]
    for w in words[1:]:
        keep = w.isupper() or any(c.isupper() for c in w[1:]) or any(c.isdigit() for c in w)
        out.append(w if keep else w.lower())
    return " ".join(out)


_WORD = re.compile(r"[A-Za-z]+")
_SUFFIX = re.compile(r"(?:ings?|ed|es|s)$")


def stems(text: str) -> str:
    """Crude stems of the words, so that 'launch', 'launches' and 'launched' look alike to
    the bag of words: news summaries report in the present, articles in the past."""
    out = []
    for w in _WORD.findall(text.lower()):
        s = _SUFFIX.sub("", w) if len(w) > 4 else w
        out.append(s[:-1] if len(s) > 3 and s[-1] == s[-2] else s)  # "shelled" → "shel"
    return " ".join(out)


def model_input(sentence: str, cue_types: Iterable[str] = ()) -> str:
    """What the model reads: the sentence (title case undone), then one marker word per
    event type that the trigger lexicon found in it ("cueattack"). The model learns from
    real text how far to trust each cue; the cue alone decides nothing."""
    text = sentence_case(sentence[:MAX_CHARS])
    cues = sorted({CUE_PREFIX + t.replace("_", "") for t in cue_types})
    return "\n".join([text.lower(), stems(text), " ".join(cues)])


class ClassifierMissingError(RuntimeError):
    """The trained model is not where the package ships it."""


@dataclass(frozen=True, slots=True)
class TypeScore:
    """One event type a sentence reports, with the model's probability and its threshold."""

    type: str
    probability: float
    threshold: float

    @property
    def strength(self) -> float:
        """The probability rescaled so the threshold maps to 0.5 and certainty to 1.0."""
        span = max(1e-6, 1.0 - self.threshold)
        return 0.5 + 0.5 * max(0.0, self.probability - self.threshold) / span


class EventClassifier:
    """Loads the shipped model once; ``score`` is safe to call from one thread at a time."""

    def __init__(self, path: Path = MODEL_DIR) -> None:
        self.path = path
        self._nlp: Language | None = None
        self._thresholds: dict[str, float] = {}
        self._positives: dict[str, int] = {}
        self._lock = threading.Lock()

    def _load(self) -> Language:
        if self._nlp is None:
            with self._lock:
                if self._nlp is None:
                    import spacy

                    if not (self.path / "config.cfg").exists():
                        raise ClassifierMissingError(
                            f"no trained event model at {self.path}; rebuild it with "
                            "`make train` or reinstall newsbot"
                        )
                    meta = json.loads((self.path / "thresholds.json").read_text("utf-8"))
                    self._thresholds = {t: float(meta["thresholds"][t]) for t in EVENT_TYPES}
                    self._positives = {
                        t: int(meta.get("train_positives", {}).get(t, 0)) for t in EVENT_TYPES
                    }
                    self._nlp = spacy.load(self.path)
        return self._nlp

    @property
    def thresholds(self) -> dict[str, float]:
        self._load()
        return dict(self._thresholds)

    @property
    def thin_types(self) -> frozenset[str]:
        """Types with too few training examples for the model to rule them out alone."""
        self._load()
        return frozenset(t for t, n in self._positives.items() if n < THIN_TYPE)

    def probabilities(self, texts: Sequence[str]) -> list[dict[str, float]]:
        """Per text (a `model_input`), the probability of each event type."""
        nlp = self._load()
        docs = nlp.pipe(texts, batch_size=128)
        return [{t: float(doc.cats.get(t, 0.0)) for t in EVENT_TYPES} for doc in docs]

    def classify(
        self, texts: Sequence[str], scale: float = 1.0, floor: float = 1.0
    ) -> list[list[TypeScore]]:
        """Per text, the types whose probability reaches the threshold times ``scale`` (or
        ``floor``, if lower), most probable first; each with its full threshold."""
        out: list[list[TypeScore]] = []
        for probs in self.probabilities(texts):
            found = [
                TypeScore(t, p, self._thresholds[t])
                for t, p in probs.items()
                if p >= min(self._thresholds[t] * scale, floor)
            ]
            out.append(sorted(found, key=lambda s: s.probability, reverse=True))
        return out


_shared: EventClassifier | None = None
_shared_lock = threading.Lock()


def get_classifier() -> EventClassifier:
    """The process-wide classifier (loaded on first use)."""
    global _shared
    if _shared is None:
        with _shared_lock:
            if _shared is None:
                _shared = EventClassifier()
    return _shared
