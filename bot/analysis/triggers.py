"""The cheap first pass: a trigger lexicon that finds candidate event sentences.

Each trigger is a regular expression for one event type with a base strength and the
context it needs in the same sentence (an armed actor, civilians, a policy verb, …).
Only sentences with a surviving trigger go on to the parser in `bot.analysis.events`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from bot.analysis.casualties import few_harmed
from bot.analysis.literals import Prefilter
from bot.analysis.wordlists import patterns, whole_words
from config import DATA_DIR


# The context lists are data (config/data/contexts.json): every entry names two real texts,
# which tests/test_lexicons.py checks.
def _entries(name: str) -> list[str]:
    return patterns("contexts.json", name)


# A head count, not a share, a sum, a distance, a span of time or a year: grammar beside the
# "people" words.
_HEAD_COUNT = (
    r"(?<![$€£])(?!(?:19|20)\d\d\b)\d[\d,.]*(?:\s*(?:million|thousand))?"
    r"(?!\s*(?:%|percent|per cent|km|kilomet|miles?\b|met(?:er|re)s?\b|kg|tonnes?|tons?\b|"
    r"degrees|years?\b|months?\b|weeks?\b|days?\b|hours?\b|minutes?\b|dollars|euros))"
)
# A capitalised word after a capture verb: a place name, checked later; not a nationality
# or a compound adjective that only describes what was seized ("the Polish-flagged
# Marinette", "the Chinese-owned manufacturer", "19 Afghan border posts").
_CAPITALISED = r"(?:\b(?![A-Z][a-z]+(?:an|ian|ish|ese|i)\b)[A-Z][\w'’]+(?![\w'’]*-[a-z]))"

# Context classes: a trigger that names one in `needs` fires only when the sentence
# (or, for "armed" and "violence", the sentence before it) contains a match.
CONTEXT: dict[str, re.Pattern[str]] = {
    name: whole_words(*_entries(name))
    for name in ("armed", "civilian", "refugee", "policy", "agreement", "unrest", "grievance",
                 "damage", "violence")
}
CONTEXT["people"] = whole_words(*_entries("people"), _HEAD_COUNT)
CONTEXT["place_object"] = re.compile(
    r"\b(?:" + "|".join(_entries("place_object")) + r")\b|" + _CAPITALISED)


ANCHOR = "anchor"  # the group of a trigger pattern that holds the event word itself


@dataclass(frozen=True, slots=True)
class Trigger:
    """One lexical cue for an event type."""

    type: str
    pattern: re.Pattern[str]
    strength: float
    needs: tuple[str, ...] = ()  # context classes that must all be present
    place_object: bool = False  # a place name or place noun must follow within a few words
    nominal: bool = False  # a bare noun cue ("fighting"): weaker without a place
    # the words name the event so plainly ("violent protests") that the model's doubt does
    # not drop the sentence; the parse-based checks still judge it
    decisive: bool = False


def _trigger(entry: dict) -> Trigger:
    return Trigger(
        entry["type"],
        re.compile(entry["pattern"], re.IGNORECASE),
        entry["strength"],
        tuple(entry.get("needs", ())),
        entry.get("place_object", False),
        entry.get("nominal", False),
        entry.get("decisive", False),
    )


# The lexicon is data (config/data/triggers.json): every entry names two labelled real
# examples, which tests/test_lexicons.py checks.
with open(DATA_DIR / "triggers.json", encoding="utf-8") as _f:
    TRIGGERS: tuple[Trigger, ...] = tuple(_trigger(e) for e in json.load(_f)["triggers"])

# Phrases whose words look like triggers but are not events (config/data/false_friends.json,
# every entry backed by two real texts). A trigger hit that overlaps one of these is dropped.
FALSE_FRIENDS = whole_words(*patterns("false_friends.json", "false_friends"))

# A bomb that went off or hurt (the "detonation" context a bare "bomb" needs), and one that
# was found, made safe or only threatened (then a bare "bomb" is no attack).
DETONATION = whole_words(*_entries("detonation"))
DEFUSED = whole_words(*_entries("defused"))
CONTEXT["detonation"] = DETONATION


# Words marking a sentence about sport or business: triggers there are rarely events.
SPORTS = whole_words(*patterns("vetoes.json", "sports"))  # a match's "attack"
BUSINESS = whole_words(*patterns("vetoes.json", "business"))  # markets' "disaster", a takeover


@dataclass(slots=True)
class TriggerHit:
    """A trigger matched at [start, end) of a sentence."""

    trigger: Trigger
    start: int
    end: int
    text: str
    tags: set[str] = field(default_factory=set)


def _has_place_object(sentence: str, end: int) -> bool:
    """A place noun or a capitalised name within six words after a capture verb."""
    window = " ".join(sentence[end:].split()[:7])
    return bool(CONTEXT["place_object"].search(window))


def find_triggers(sentence: str, previous: str = "") -> list[TriggerHit]:
    """All trigger hits in one sentence that survive false friends and context needs."""
    # most sentences hold no trigger word: one scan for the words each pattern cannot
    # match without, and only the patterns whose words occur are run
    return scan(sentence, previous, [TRIGGERS[i] for i in _PREFILTER.candidates(sentence)])


def scan(sentence: str, previous: str, triggers: list[Trigger]) -> list[TriggerHit]:
    """The hits of `triggers` in the sentence (`find_triggers` runs the ones that may
    match)."""
    if not triggers:
        return []
    false = [(m.start(), m.end()) for m in FALSE_FRIENDS.finditer(sentence)]
    present: dict[str, bool] = {}

    def has(ctx: str) -> bool:
        if ctx not in present:
            found = bool(CONTEXT[ctx].search(sentence))
            if not found and ctx in ("armed", "violence") and previous:
                found = bool(CONTEXT[ctx].search(previous))
            present[ctx] = found
        return present[ctx]

    found: list[tuple[TriggerHit, int, int]] = []  # each hit with its whole match
    for trig in triggers:
        for m in trig.pattern.finditer(sentence):
            if any(s < m.end() and m.start() < e for s, e in false):
                continue
            if not all(has(ctx) for ctx in trig.needs):
                continue
            if trig.place_object and not _has_place_object(sentence, m.end()):
                continue
            if trig.pattern.pattern == r"\bbombs?\b" and DEFUSED.search(sentence):
                continue
            # a pattern that reads words around the event word ("Israeli jets strike …")
            # names that word with a group called "anchor": the parse checks judge it
            at = ANCHOR if ANCHOR in trig.pattern.groupindex else 0
            found.append((TriggerHit(trig, m.start(at), m.end(at), m.group(at)),
                          m.start(), m.end()))
    # Where cues of two types overlap, the longer, more specific one names the type:
    # "clashed with police" is unrest, not the armed "clash"; a "drone strike" is an
    # attack, not the labour "strike". An assault that takes the place names both: "overran
    # the base" is an attack and a capture; so does a killing by an armed side: "villagers
    # killed by ADF militants" is an attack and harm to civilians.
    return [
        h for h, start, end in found
        if not any(
            o.trigger.type != h.trigger.type
            and frozenset({o.trigger.type, h.trigger.type}) not in _BOTH_AT_ONCE
            and o_start <= start and end <= o_end and o_end - o_start > end - start
            for o, o_start, o_end in found
        )
    ]


_BOTH_AT_ONCE = (frozenset({"attack", "capture"}), frozenset({"attack", "civilian_harm"}))


_PREFILTER = Prefilter([t.pattern for t in TRIGGERS])


# A labour strike whose only unrest word is the protest it is for ("air traffic controllers
# go on strike to protest understaffing", "a hunger strike to protest his trial", "limiting
# the right to strike … as a method of protest"): labelling rule 8 leaves a peaceful strike
# alone unlabelled. A general strike is a mass action, and unrest, a crowd or deaths beside
# the strike make it a protest (the four train/tune sentences that are a strike alone are
# none of them labelled a protest; "a general strike to protest pension reform" is).
_WALKOUT = whole_words(r"strik(?:e|es|ing)")
_NOT_ALONE = whole_words(
    *_entries("strike_company"),
    *(w for w in _entries("unrest") if w != r"protest\w*"),  # the protest word is no unrest
)


def strike_alone(sentence: str) -> bool:
    """The sentence names a strike and no unrest, crowd, harm or armed strike beside it: for
    a protest word there, a labour strike alone (`bot.analysis.events`)."""
    return bool(_WALKOUT.search(sentence)) and not _NOT_ALONE.search(sentence)


# A shooting or stabbing told as a crime, from the victims' side ("a shooting", "is shot
# dead"; not "a man from Tulkarm stabs two people", where the one who did it is the news),
# and what makes it more than a crime (a mass attack, a spree, a ramming, a crowd of
# protesters; an armed group or terror: the "armed" context apart from the shot and the gun
# themselves).
CRIME = re.compile(r"(?i)\b(?:shootings?|stabbings?|shot dead|"
                   r"(?:is|are|was|were|been)\s+(?:\w+ly\s+)?(?:shot|stabbed))\b")
_MORE_THAN_A_CRIME = whole_words(*_entries("more_than_a_crime"))
_CRIME_ARMS = frozenset(_entries("crime_arms"))


def a_lone_crime(sentence: str, around: str) -> bool:
    """The sentence tells of a shooting or stabbing that hurt one or two people and killed
    one at most, and neither it nor the text ``around`` it names a mass attack, a ramming, a
    protest, an armed group or terror: an ordinary crime, which the labelling rules do not
    count as an attack ("two people are injured in a stabbing attack at a supermarket")."""
    if not CRIME.search(sentence) or not few_harmed(sentence):
        return False
    if _MORE_THAN_A_CRIME.search(around):
        return False
    arms = {m.group(0).lower() for m in CONTEXT["armed"].finditer(around)}
    return arms <= _CRIME_ARMS


def is_trigger_word(text: str) -> bool:
    """The whole text is an event word ("Tsunami", "Landslide"), whatever else it names."""
    text = text.strip()
    return any(TRIGGERS[i].pattern.fullmatch(text) for i in _PREFILTER.candidates(text))


def may_hold_event(text: str) -> bool:
    """A fast yes/no: does any trigger word occur at all?"""
    return any(TRIGGERS[i].pattern.search(text) for i in _PREFILTER.candidates(text))
