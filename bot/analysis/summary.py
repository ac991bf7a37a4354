"""Extractive summaries: two or three sentences, lead-biased and event-aware, offline."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.analysis.text import Sentence, split_sentences
from bot.analysis.wordlists import patterns
from bot.models import Event

MAX_CHARS = 480
_QUOTE_OPEN = re.compile(r"^[\"“‘']")
_BYLINE = re.compile(
    r"\b(?:reports? from|reporting from|bureau|correspondent|contributed to this report|"
    r"click here|subscribe|sign up|follow us|all rights reserved|copyright)\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]+")
# Function words and reporting verbs (config/data/summary_words.json, each backed by two
# real texts) count for nothing when sentences are compared.
_STOP = frozenset(patterns("summary_words.json", "stopwords"))


def _content_words(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text) if w.lower() not in _STOP and len(w) > 2}


def _closed(sentence: str) -> str:
    """A heading or a line without final punctuation ends with a full stop in the summary,
    so it does not run into the next sentence ("… in Fife Hundreds of residents …")."""
    return sentence if sentence.rstrip()[-1:] in '.!?…"”’)' else sentence.rstrip() + "."


def summarize(
    text: str, title: str = "", events: Sequence[Event] = (), max_sentences: int = 3
) -> str:
    """Pick up to three sentences that carry the news, in article order.

    Scores favour the lead, sentences that hold an event's evidence or share the title's
    words, and a moderate length; direct quotes and bylines score low. A second or third
    sentence is added only while it says something the chosen ones do not.
    """
    sentences = [s for s in split_sentences(text) if len(s.text) >= 25]
    if not sentences:
        return text.strip()[:MAX_CHARS]
    evidence = {e.evidence for e in events}
    title_words = _content_words(title)
    place_words = {w for e in events for p in e.places for w in _content_words(p.name)}

    def score(i: int, s: Sentence) -> float:
        words = _content_words(s.text)
        value = 1.0 / (1 + i * 0.6)  # lead bias
        if s.paragraph == 0:
            value += 0.5
        if s.text in evidence:
            value += 0.8
        if title_words:
            value += 0.6 * len(words & title_words) / max(1, len(title_words))
        if words & place_words:
            value += 0.2
        if _QUOTE_OPEN.match(s.text):
            value -= 0.6
        if _BYLINE.search(s.text):
            value -= 1.0
        n = len(s.text)
        if n < 50 or n > 320:
            value -= 0.3
        return value

    ranked = sorted(range(len(sentences)), key=lambda i: score(i, sentences[i]), reverse=True)
    chosen: list[int] = []
    covered: set[str] = set()
    length = 0
    for i in ranked:
        s = sentences[i]
        words = _content_words(s.text)
        if chosen and len(words - covered) < max(3, len(words) // 3):
            continue  # mostly repeats what we have
        if chosen and length + len(s.text) > MAX_CHARS:
            continue
        chosen.append(i)
        covered |= words
        length += len(s.text) + 1
        if len(chosen) >= max_sentences:
            break
    if len(chosen) < 2:
        for i in range(len(sentences)):
            if i not in chosen and length + len(sentences[i].text) <= MAX_CHARS + 120:
                chosen.append(i)
                break
    text_out = " ".join(_closed(sentences[i].text) for i in sorted(chosen))
    return text_out if len(text_out) <= MAX_CHARS + 120 else text_out[: MAX_CHARS + 117] + "…"
