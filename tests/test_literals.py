"""The required-literal prefilter: which patterns may match, without running them."""

import json
import re
from pathlib import Path

import pytest

from bot.analysis import triggers
from bot.analysis.literals import Prefilter, fold, required_literals
from bot.analysis.text import split_sentences

ROOT = Path(__file__).resolve().parent.parent


def lits(pattern: str, flags: int = re.IGNORECASE) -> set[str] | None:
    found = required_literals(re.compile(pattern, flags))
    return None if found is None else set(found)


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"\bshell(?:ed|ing)\b", {"shelled", "shelling"}),
        # an optional ending adds nothing: the shorter string is found in the longer
        (r"\btsunamis?\b", {"tsunami"}),
        (r"\bstrikes? (?:on|against)\b",
         {"strike on", "strike against", "strikes on", "strikes against"}),
        # the most selective piece of a sequence: "control of" beats the short verbs
        (r"\b(?:took|seized) control of\b", {"took control of", "seized control of"}),
        # \w+ breaks the run; the longer literal piece wins
        (r"\bvolcan\w*\b[^.]{0,60}?\berupt\w*", {"volcan"}),
        # every branch must name a literal; then their union is required
        (r"\bfle(?:e|d)\b|\bevacuat\w+", {"flee", "fled", "evacuat"}),
        (r"\b[A-Z]ILLED\b", {"illed"}),
        (r"\w+ing", {"ing"}),
        (r"\b(?-i:Storm [A-Z][a-z]+)\b", {"storm "}),
    ],
)
def test_required_literals(pattern, expected):
    assert lits(pattern) == expected


@pytest.mark.parametrize(
    "pattern",
    [r"\w+", r"[^.]{3,}", r"\bfle(?:e|d)\b|\w+", r"(?:killed)?\s+", r"\bx?\b", r"é+"],
)
def test_no_literal_required(pattern):
    """A branch, an optional piece or a non-ASCII letter names nothing a match must hold."""
    assert lits(pattern) is None


def test_fold_maps_every_character_that_matches_an_ascii_letter():
    """Python's case-insensitive matching takes the Kelvin sign for k, the long s for s and
    both Turkish i's for i: the fold must too, or the prefilter would skip a real match."""
    letter = re.compile("[a-z]", re.IGNORECASE)
    assert fold("Shelling IN Kharkiv") == "shelling in kharkiv"
    others = 0
    for code in range(0x80, 0x110000):
        ch = chr(code)
        if letter.fullmatch(ch):
            others += 1
            folded = fold(ch)
            assert len(folded) == 1 and folded.isascii(), hex(code)
            assert re.fullmatch(folded, ch, re.IGNORECASE), hex(code)
    assert others == 4


def test_prefilter_keeps_a_match_through_unicode_case():
    pre = Prefilter([re.compile(r"\bkilled\b", re.I), re.compile(r"\bshelling\b", re.I)])
    assert pre.candidates("Two were \u212aILLED") == [0]
    assert pre.candidates("heavy \u017fhelling") == [1]
    assert pre.candidates("a quiet day") == []


def test_prefilter_reports_literals_that_start_at_the_same_place():
    """The scan reports the longest literal at a position; the shorter ones starting there
    ("strike" in "strike on") and inside it ("strike" in "airstrike") count as well."""
    patterns = [r"\bstrike on\b", r"\bstrikes?\b", r"\bairstrikes?\b", r"\bdrone\b"]
    pre = Prefilter([re.compile(p, re.I) for p in patterns])
    assert pre.candidates("An airstrike on the port") == [0, 1, 2]
    assert pre.candidates("a strike") == [1]
    assert pre.candidates("drones struck") == [3]


def test_pattern_without_literals_is_always_a_candidate():
    pre = Prefilter([re.compile(r"\w+\b"), re.compile(r"\bflood\b", re.I)])
    assert pre.candidates("nothing here") == [0]
    assert pre.candidates("A FLOOD") == [0, 1]


def _labelled_sentences() -> list[str]:
    """Sentences of the repository's labelled texts: WCEP-2025 train and tune (December is
    left alone) and the regression sets."""
    texts = []
    for line in (ROOT / "training" / "wcep-2025-events.jsonl").read_text().splitlines():
        item = json.loads(line)
        if item["split"] in ("train", "tune"):
            texts.append(item["text"])
    for path in sorted((ROOT / "tests" / "data" / "regression").glob("set*.jsonl")):
        for line in path.read_text().splitlines():
            if line.strip():
                item = json.loads(line)
                texts.append(f"{item.get('title', '')}\n\n{item.get('text', '')}")
    return [s.text for t in texts for s in split_sentences(t)]


@pytest.fixture(scope="module")
def labelled_sentences() -> list[str]:
    return _labelled_sentences()


def test_trigger_lexicon_prefilter_is_exact_on_real_text(labelled_sentences):
    """Running only the candidate triggers finds what running all of them finds: the same
    hits in the same order, on every sentence of the labelled texts."""
    assert len(labelled_sentences) > 5000
    everything = list(triggers.TRIGGERS)
    for n, sentence in enumerate(labelled_sentences):
        previous = labelled_sentences[n - 1] if n else ""
        fast = triggers.find_triggers(sentence, previous)
        slow = triggers.scan(sentence, previous, everything)
        assert [(h.trigger, h.start, h.end) for h in fast] == [
            (h.trigger, h.start, h.end) for h in slow], sentence


def test_every_trigger_pattern_names_its_literals():
    """Each lexicon entry is prefiltered: an entry the analysis could not read would be run
    on every sentence, which is correct but slow (a new construct in the lexicon)."""
    unread = [t.pattern.pattern for t in triggers.TRIGGERS if required_literals(t.pattern) is None]
    assert unread == []
