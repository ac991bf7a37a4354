"""Casualty and head-count figures as articles state them: "at least 40 killed"."""

from __future__ import annotations

import re

from bot.analysis.wordlists import patterns
from bot.models import Casualties


# The word lists are data (config/data/casualty_words.json): every entry names two real
# texts, which tests/test_lexicons.py checks.
def _alternatives(name: str) -> str:
    return "(?:" + "|".join(patterns("casualty_words.json", name)) + ")"


_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "a dozen": 12, "dozen": 12,
    "dozens": 24, "scores": 40, "hundreds": 200, "a hundred": 100, "thousands": 2000,
    "tens of thousands": 20_000, "hundreds of thousands": 200_000, "millions": 2_000_000,
    "a thousand": 1000, "several dozen": 36, "several hundred": 300, "a few hundred": 300,
    "several thousand": 3000, "a few thousand": 3000,
}
# Counts given only as an order of size: the figure is a floor ("at least").
_VAGUE = frozenset({
    "dozens", "scores", "hundreds", "thousands", "several dozen", "several hundred",
    "a few hundred", "several thousand", "a few thousand",
})
_NUM = (
    r"(?:\d[\d,]*(?:\.\d+)?(?:\s*(?:million|thousand|m|k)\b)?|tens of thousands|"
    r"hundreds of thousands|a dozen|a hundred|" + "|".join(sorted(_WORDS, key=len, reverse=True))
    + r")"
)
_QUAL = r"(?:at least|more than|over|about|around|some|nearly|almost|up to|an estimated|" \
        r"approximately|roughly|as many as|fewer than|at most)"
_KILLED = _alternatives("dead_words")
# Verbs of killing that take the count of the dead as their object ("kills 12", "behead 15
# villagers", "gunmen shoot dead six worshippers").
_KILLING = (r"kill(?:ed|ing|s)?|massacr\w+|behead(?:s|ed|ing)?|slaughter(?:s|ed|ing)?|"
            r"(?:shoot|shoots|shot|shooting) dead|gun(?:s|ned|ning)? down")
_HURT = _alternatives("hurt_words")

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (kind, re.compile(p, re.IGNORECASE))
    for kind, p in [
        ("killed", rf"(?P<q>{_QUAL}\s+)?(?P<n>{_NUM})\s+(?:\w+[\s,]+){{0,7}}?(?:were |have been "
                   rf"|had been |was |are |reported |been )?{_KILLED}\b"),
        ("killed", rf"\b(?:{_KILLING}|slew|left)\s+(?P<q>{_QUAL}\s+)?"
                   rf"(?P<n>{_NUM})\b(?!\s*(?:years?|days?|hours?|km|miles|percent|%))"),
        ("killed", rf"(?P<q>{_QUAL}\s+)?(?P<n>{_NUM})\s+(?:[a-z]+\s+){{0,2}}?deaths\b"),
        ("killed", rf"\bdeath toll\b[^.]{{0,160}}?\b(?:to|of|at|passes|passed|reached|reaches|"
                   rf"rose to|exceeds|exceeded|tops|topped|hit|stands at)\s+(?P<q>{_QUAL}\s+)?"
                   rf"(?P<n>{_NUM})"),
        ("injured", rf"(?P<q>{_QUAL}\s+)?(?P<n>{_NUM})\s+(?:\w+[\s,]+){{0,4}}?(?:were |have been "
                    rf"|was |are )?{_HURT}\b"),
        ("injured", rf"\b(?:wound(?:ed|ing|s)?|injur(?:ed|ing|es|e))\s+(?P<q>{_QUAL}\s+)?"
                    rf"(?P<n>{_NUM})\b"),
    ]
]
_PEOPLE = re.compile(
    rf"(?P<q>{_QUAL}\s+)?(?P<n>{_NUM})\s+(?:more\s+)?(?:\w+\s+)?{_alternatives('counted_people')}\b",
    re.IGNORECASE,
)
_NOT_PEOPLE = re.compile(r"^(?:19|20)\d\d$")
# Words saying that people came to harm. In 737 of the 740 civilian-harm evidence quotes of
# the labelled wcep-2025 train and tune splits one of them stands (the other three quote
# only part of a sentence that has one).
HARM = re.compile(rf"\b{_alternatives('harm')}\b", re.IGNORECASE)
# The hurt named as people who are not fighters ("injures 19 civilians", "injuring two
# women"): an attack that only hurt people is civilian harm when they are named so. Held out
# (`make crossval`) this read 6 more civilian-harm events of the train split and no false one.
HURT_CIVILIANS = re.compile(rf"\b{_alternatives('hurt_civilians')}\b", re.IGNORECASE)
# Where a disaster's toll is heaviest ("the worst-hit district", "the hardest hit town"):
# the towns a sentence names beside these are the disaster's places (bot.analysis.events).
WORST_HIT = re.compile(rf"\b{_alternatives('worst_hit')}\b", re.IGNORECASE)
# Violence done to people, in a word or two, or "killed … by" armed men: harm a sentence
# names so is no accident's toll (each stands in two or more civilian-harm evidence quotes of
# the labelled wcep-2025 train and tune splits; "open fire" in 20, "killed … by" armed men in
# 21)
VIOLENT_HARM = re.compile(
    rf"(?i)\b(?:{_alternatives('violent_harm')}|"
    rf"(?:killed|wounded|injured|shot) (?:\w+ ){{0,3}}?by (?:the )?(?:[\w'-]+ ){{0,3}}?"
    rf"{_alternatives('armed_doers')})\b")


def parse_number(text: str) -> int | None:
    """'40' → 40, '1.5 million' → 1500000, 'scores' → 40; None when it is not a count."""
    t = text.lower().strip()
    if t in _WORDS:
        return _WORDS[t]
    m = re.fullmatch(r"(\d[\d,]*(?:\.\d+)?)\s*(million|thousand|m|k)?", t)
    if not m:
        return None
    digits = m.group(1).replace(",", "")
    if _NOT_PEOPLE.match(m.group(1)) and not m.group(2):
        return None  # a year, not a head count
    try:
        value = float(digits)
    except ValueError:
        return None
    scale = {"million": 1e6, "m": 1e6, "thousand": 1e3, "k": 1e3}.get(m.group(2) or "", 1)
    return int(value * scale)


def extract_casualties(text: str) -> Casualties | None:
    """The largest killed and injured figures of a sentence, with their qualifiers."""
    found: dict[str, tuple[int, str | None, str]] = {}
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            n = parse_number(m.group("n"))
            if n is None or n > 10_000_000:
                continue
            q = (m.group("q") or "").strip().lower() or None
            if m.group("n").lower() in _VAGUE:
                q = q or "at least"
            if kind not in found or n > found[kind][0]:
                found[kind] = (n, q, m.group(0).strip())
    if not found:
        return None
    killed, injured = found.get("killed"), found.get("injured")
    main = killed or injured
    assert main is not None
    return Casualties(
        killed=killed[0] if killed else None,
        injured=injured[0] if injured else None,
        qualifier=main[1],
        text=main[2],
    )


# One person hurt or killed, not counted: "a man is shot dead", "another is injured",
# "one person is killed" (which `extract_casualties` counts too: the larger count stands).
_ONE = r"(?i)\b(?:an?|another|one)\s+(?:[\w'-]+\s+){0,4}?(?:(?:is|was)\s+)?(?:\w+ly\s+)?"
_ONE_KILLED = re.compile(_ONE + r"(?:killed|shot dead|murdered|dies)\b")
_ONE_HURT = re.compile(_ONE + r"(?:injured|wounded|stabbed|shot)\b(?!\s+dead)")
# People counted as shot or stabbed, which `extract_casualties` does not read as hurt,
# every count of the group summed: "three children and an adult were shot" (four)
_COUNT_SHOT = re.compile(
    rf"(?i)\b(?P<who>{_NUM}\s+(?:[\w'-]+\s+){{0,4}}?)(?:are|were|have been)\s+"
    rf"(?:\w+ly\s+)?(?:shot|stabbed)\b(?!\s+dead)")
_COUNT_IN_GROUP = re.compile(rf"(?i)\b(?:{_NUM}|an?)\b")


def few_harmed(text: str) -> bool:
    """Whether a sentence tells of harm to one or two people at most, one of them dead at
    most: "a man is shot dead", "one person is killed and another is injured", "two people
    are injured". False where it counts more, or names no one harmed."""
    counted = extract_casualties(text)
    killed = max((counted.killed or 0) if counted else 0, len(_ONE_KILLED.findall(text)))
    shot = [sum(parse_number(n) or 1 for n in _COUNT_IN_GROUP.findall(m.group("who")))
            for m in _COUNT_SHOT.finditer(text)]
    hurt = max((counted.injured or 0) if counted else 0, len(_ONE_HURT.findall(text)), *shot)
    return 0 < killed + hurt <= 2 and killed <= 1


def extract_people_count(text: str) -> int | None:
    """The largest head count of people in a sentence ('displacing over 200,000 people')."""
    best = None
    for m in _PEOPLE.finditer(text):
        n = parse_number(m.group("n"))
        if n is not None and (best is None or n > best):
            best = n
    return best


# Who the dead or hurt were, by the noun the text gives them: "killing 12 officers",
# "three soldiers are killed". Civilian harm needs someone who is not one of these.
_COMBATANT = re.compile(_alternatives("combatants"), re.IGNORECASE)
COMBATANT_WORD = re.compile(rf"\b{_COMBATANT.pattern}\b", re.IGNORECASE)
_VICTIM_WORD = (r"(?!(?:and|or|in|at|on|by|during|after|before|when|while|as|with|including|"
                r"near|from|the|of|are|were|is|was|have|has|had)\b)[A-Za-z][\w'-]*")
# "…and 13 others", "a third is wounded": more of whoever came before
_NEUTRAL = {"others", "other", "more", "second", "third", "fourth", "fifth"}
_VICTIMS = [
    re.compile(
        rf"\b(?:{_KILLING}|wound(?:ed|ing|s)?|injur(?:ed|ing|es|e))\s+"
        rf"(?:{_QUAL}\s+)?(?:{_NUM}|an?|one)\s+(?P<words>(?:{_VICTIM_WORD}\s+){{0,3}}"
        rf"{_VICTIM_WORD})",
        re.IGNORECASE,
    ),
    re.compile(
        rf"\b(?:{_QUAL}\s+)?(?:{_NUM}|an?|one)\s+(?P<words>(?:{_VICTIM_WORD}\s+){{0,3}}?"
        rf"{_VICTIM_WORD})(?:,\s+including\s+[^,.]{{1,60}},)?\s+"  # "three people, including …,"
        rf"(?:(?:are|were|is|was|have been|had been|has been)\s+)?"
        rf"(?:also\s+|\w+ly\s+)?"  # "one passerby is also killed", "is fatally shot"
        # not "a car bomb killed seven": a count after the verb is its object
        rf"(?:killed|shot dead|injured|wounded|dead|beheaded|decapitated)\b"
        rf"(?!\s+(?:{_QUAL}\s+)?(?:{_NUM}|an?)\b)",
        re.IGNORECASE,
    ),
]


# A second group of victims joined to the first: "kills eight police officers and a driver",
# "fifteen civilians and all six attackers killed"
_CONJUNCT_AFTER = re.compile(
    rf"\s*,?\s+and\s+(?:all\s+)?(?:{_QUAL}\s+)?(?:{_NUM}|an?|one|the)\s+"
    rf"(?P<words>(?:{_VICTIM_WORD}\s+){{0,3}}{_VICTIM_WORD})",
    re.IGNORECASE,
)
_CONJUNCT_BEFORE = re.compile(
    rf"(?:{_NUM}|an?|one)\s+(?P<words>(?:{_VICTIM_WORD}\s+){{0,3}}{_VICTIM_WORD}),?\s+and\s+"
    rf"(?:all\s+)?(?:{_QUAL}\s+)?$",
    re.IGNORECASE,
)


def _victim_groups(text: str, m: re.Match[str]) -> list[list[str]]:
    """The words naming the victims ``m`` found, and those of a group coordinated with it."""
    if m.re is _VICTIMS[0]:  # the victims follow the verb: the next group follows them
        other = _CONJUNCT_AFTER.match(text, m.end())
    else:  # the victims precede the verb: so does the group before them
        other = _CONJUNCT_BEFORE.search(text[max(0, m.start() - 80) : m.start()])
    return [m.group("words").split()] + ([other.group("words").split()] if other else [])


def victims_all_combatants(text: str) -> bool | None:
    """Whether everyone the text counts among the dead or hurt is named as a combatant
    (soldiers, police, militants, attackers); None when it names no victims."""
    for m in ROLE_KILLED.finditer(text):  # "killing the driver and injuring two officers"
        if not COMBATANT_WORD.search(text[max(0, m.start() - 12) : m.start()]):
            return False  # not "eight security officials are killed"
    found = False
    for rx in _VICTIMS:
        for m in rx.finditer(text):
            for words in _victim_groups(text, m):
                if all(w.lower() in _NEUTRAL for w in words):
                    continue
                found = True
                if _CIVIL_BODY.search(" ".join(words)) or not any(
                        _COMBATANT.fullmatch(w) for w in words):
                    return False
    return True if found else None


# One person killed, named by a civilian role and not counted: "killing the presiding judge",
# "the former mayor of Nova Kakhovka is killed in a drone strike". Of the train and tune items
# labelled attack whose text this matches, 40 are civilian harm and 4 are not (two of those
# dead are fighters, whom the caller rules out; one is a denial).
_ROLE = _alternatives("civilian_roles")
ROLE_KILLED = re.compile(
    rf"(?i)\b(?:kill(?:ing|s|ed)|shot dead|assassinat\w+)\s+(?:the|a|an|its|their)\s+"
    rf"(?:[\w-]+\s+){{0,3}}?{_ROLE}\b"
    rf"|\b{_ROLE}(?:\s+[\w,-]+){{0,8}}?\s+(?:is|are|was|were)\s+(?:\w+ly\s+)?"
    rf"(?:killed|shot dead|assassinated)\b")


# Members of a family, a clan, a school's faculty, an elected body or a crew are not fighters
# (wcep-2025: "19 Doghmush clan members … are killed", "three faculty members are wounded",
# a cargo ship's "four crew members" killed by a missile strike, "two parliament members"
# injured).
_CIVIL_BODY = re.compile(rf"(?i)\b{_alternatives('civil_bodies')}\b")
