"""Is it news? Parse-based checks that tell a reported event from a hypothetical,
denied, prevented, negated or long-past one, and the word lists they use."""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING

from bot.analysis.triggers import TriggerHit, find_triggers
from bot.analysis.wordlists import patterns, whole_words, words

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token


def _lexicon(name: str) -> re.Pattern[str]:
    """One veto list of ``config/data/vetoes.json`` as a whole-word, case-blind pattern."""
    return whole_words(*patterns("vetoes.json", name))


HISTORY = _lexicon("history")  # the clause is about the past
HABITUAL = _lexicon("habitual")  # what usually happens
RETROSPECTIVE = _lexicon("retrospective")  # trials, studies, films, forecasts
SIMULATION = _lexicon("simulation")  # exercises, drills, scenarios
AVERTED = _lexicon("averted")  # a bomb found and defused
ACCIDENT = _lexicon("accident")  # ordnance set off by mistake or while handled
SEIZED_GOODS = _lexicon("seized_goods")  # vessels, goods, money a capture verb takes
TAKEN_PEOPLE = _lexicon("taken_people")  # people a capture verb takes: no place is taken
TRAVELLERS = _lexicon("travellers")  # passengers or crew evacuated from a vehicle
ORDNANCE = _lexicon("ordnance")  # found bombs an evacuation is a precaution against
INQUIRY = _lexicon("inquiry")  # investigations: they veto only what they govern
RETURNS = _lexicon("returns")  # people going home
STRONG_ARMED = _lexicon("strong_armed")  # real violence in a sports-flavoured clause
FORETOLD = _lexicon("foretold")  # "the upcoming storm", "a planned invasion": not yet

# A drill phrase in a title: hazard or attack words a drill noun closes ("earthquake and
# tsunami drill", "mass-casualty attack exercise"), or a simulation verb opens ("simulates
# a tsunami striking Crete"), each within three words.
_DRILL = r"drills?|exercises?|simulations?|rehearsals?"
_DRILL_WORD = re.compile(rf"\b(?:{_DRILL})\b", re.IGNORECASE)
_DRILL_NOUN = re.compile(rf"(?:[\s,-]+(?:[\w'-]+|and|or)){{0,3}}?[\s-]+(?:{_DRILL})\b",
                         re.IGNORECASE)
_SIMULATING = re.compile(r"\bsimulat\w*(?:\s+[\w'-]+){0,3}?\s+$", re.IGNORECASE)


def drill_title(title: str) -> str:
    """The drill word of a title that reports a drill, exercise or simulation of an event
    and no event beside it ("Crete stages island-wide earthquake and tsunami drill"), or
    "". Such a title frames the whole article: the pupils evacuated and the wave that
    reached the harbour belong to the scenario (labelling rule 1: "Not: drills"). Every
    lexicon word of the title must lie in the drill phrase, so "Russia holds drills as
    drones hit Kyiv" frames nothing, and a title without one ("Residents urged to exercise
    caution") frames nothing either. The lexicon reads the title with its drill nouns
    masked (same length), so that a false friend such as "earthquake drill" does not hide
    the hazard the drill is of."""
    if not _DRILL_WORD.search(title) and "simulat" not in title.lower():
        return ""  # nothing to frame: most titles end here, without a lexicon scan
    hits = find_triggers(_DRILL_WORD.sub(lambda m: "x" * len(m.group(0)), title))
    if not hits:
        return ""
    word = ""
    for h in hits:
        after = _DRILL_NOUN.match(title, h.end)
        before = _SIMULATING.search(title[: h.start])
        if not after and not before:
            return ""
        word = word or (after.group(0).split()[-1] if after else "simulation")
    return word


MODALS = {"could", "might", "may", "should", "must", "would", "will", "shall", "can", "'ll", "wo"}


FUTURE_OK_TYPES = {"refugee_policy", "ceasefire"}  # announced policies and deals count


HYPOTHETICAL_HEADS = words("hypothetical_heads")

# "Set" foresees only with an infinitive ("the army is set to launch an offensive"); in
# "set fire to homes" or "set up camps" it is an act.
INFINITIVE_ONLY = {"set"}


NON_GOVERNMENT = re.compile(
    r"\b(?:opposition|activists?|campaigners?|rights groups?|NGOs?|charit(?:y|ies)|critics|"
    r"lawmakers from|candidates?|protesters)\b",
    re.IGNORECASE,
)


# What a circumstance or a cause names exists, whatever the clause it hangs on says: "amid
# protests", "during clashes", "following the earthquake", "due to the earthquake", "suspended
# after a drone attack".
PRESUPPOSING_PREPS = {"amid", "amidst", "during", "following", "despite", "after"}
CAUSAL_HEADS = {"due", "because", "owing"}  # "due to", "because of", "owing to"
DONE_BEFORE = {"after", "following", "since"}  # "…accept a truce after capturing the town"
ASSERTED_MARKS = {"as", "because", "after", "while", "since", "though", "although"}
# Who rules on a policy: a ruling of theirs decides it whichever way it goes.
COURT_WORDS = frozenset({"court", "courts", "judge", "judges", "justice", "justices", "tribunal"})


def _presupposed(tok: Token) -> bool:
    """Whether ``tok`` heads a circumstance, a cause or an earlier act of its clause, which
    exists whatever the clause says (modality, prevention)."""
    if tok.dep_ == "advcl":
        # "…will grant refugee status, as tens of thousands cross the lake": a clause of
        # circumstance or cause is asserted whatever the main clause says ("as if" is not)
        marks = {c.lower_ for c in tok.children if c.dep_ == "mark"}
        return bool(marks & ASSERTED_MARKS) and "if" not in marks
    prep = tok.head
    if tok.dep_ == "pcomp":
        return prep.lower_ in DONE_BEFORE
    if tok.dep_ != "pobj":
        return False
    cause = prep.head if prep.lower_ in ("to", "of") else prep  # "due to", "because of"
    return prep.lower_ in PRESUPPOSING_PREPS or cause.lower_ in CAUSAL_HEADS


ATTEMPT_HEADS = words("attempt_heads")


FUTURE_OK_HEADS = {  # announcing what will be done is the event for these types
    "refugee_policy": words("future_ok_refugee_policy"),
    "ceasefire": words("future_ok_ceasefire"),
    # an attempt to storm a building is itself a protest ("protesters attempt to storm the
    # palace and clash with police")
    "protest": words("future_ok_protest"),
}


PREVENTION_HEADS = words("prevention_heads")
# What is stopped is the object of the stopping, or a noun joined to it by one of these
# ("a halt to the fighting", "the suspension of deportations", "a pause on strikes", "kept
# them from fleeing"); an event in an adjunct of the verb is not stopped by it: "farmers
# block roads in protest against the trade deal" report a protest.
PREVENTED_VIA = {"to", "of", "on", "from"}
# Fighting off an attack does not prevent it: all eight train and tune items that "repel"
# an attack, ambush or assault are labelled attack. A capture repelled is still averted.
REPEL_HEADS = words("repel_heads")
# What is banned is not reported by the ban: "a law prohibiting demonstrations", "bans the
# protest network", "bans all civilian drones" (wcep-2025-10-22-04136, -06-23-02456,
# -09-28-03740: none labelled so). Only the ban's object: "bans the party after deadly
# clashes" still reports the clashes.
BAN_HEADS = words("ban_heads")


DENIAL_HEADS = words("denial_heads")  # "failed to sign a peace agreement"


REPORTING_HEADS = words("reporting_heads")


# What just drove people out: "…are displaced as Typhoon Kalmaegi makes landfall", "…are
# evacuated ahead of Hurricane Melissa", "…in a large fire": news, not a standing figure.
FRESH_CAUSE = re.compile(
    r"\b(?:as|after|following|ahead of|amid|due to|because of|by|in)\b[^.;]{0,60}?\b(?:makes? "
    r"landfall|typhoon|hurricane|cyclone|storm|floods?|flooding|wildfires?|fires?|blaze|"
    r"earthquake|quake|eruption|landslides?|tsunami|fighting|clashes|offensive|shelling|"
    r"airstrikes?|strikes)\b",
    re.IGNORECASE,
)
# A toll counted beside it: "47 people are killed, 70 are injured and 56,000 are displaced
# during flooding" reports the event that displaced them ("the war, which has killed …"
# does not count).
FRESH_TOLL = re.compile(
    r"\b(?:are|is|were|was)\s+(?:\w+ly\s+)?(?:killed|injured|wounded|dead|presumed dead)\b",
    re.IGNORECASE,
)
# A day of this week or a few hours back: "on Sunday", "yesterday", "overnight" (unlike
# TIME_ANCHOR, no date of the month, which may lie weeks back)
THIS_WEEK = re.compile(
    r"(?i)\b(?:today|tonight|yesterday|overnight|this (?:morning|afternoon|evening|week)|"
    r"last night|(?:hours?|days?) ago|monday|tuesday|wednesday|thursday|friday|saturday|"
    r"sunday)\b")
TIME_ANCHOR = re.compile(
    r"\b(?:today|tonight|yesterday|this (?:morning|afternoon|evening|week|weekend)|last "
    r"(?:night|week|weekend|month)|(?:on |early |late |since |last )?(?:monday|tuesday|wednesday|"
    r"thursday|friday|saturday|sunday)(?:'s)?|overnight|hours? (?:ago|after|later|earlier)|"
    r"days? ago|earlier this|on the \d+(?:st|nd|rd|th)|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|"
    r"oct|nov|dec)[a-z]*\.? \d{1,2}\b|\d{1,2} (?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|"
    r"dec)[a-z]*|past (?:\d+|few|several|two|three) (?:days|weeks)|since early|"
    r"recent(?! (?:years|decades)))",
    re.IGNORECASE,
)


CAMP_POLICY = re.compile(
    r"\b(?:clos\w+|shut\w*|relocat\w+|demolish\w*|dismantl\w+|evict\w*|take in|took in|"
    r"taking in|resettl\w+|admit\w*|accept\w*|deport\w*|expel\w*|quota|cap|ban\w*|"
    r"suspend\w*|resum\w+|ordered|announc\w+|decid\w+|asylum|deadline|leave the country)\b",
    re.IGNORECASE,
)


ALLEGED = re.compile(r"\b(?:alleged\w*|accus\w+|reportedly|suspected|claimed)\b", re.IGNORECASE)


YEAR = re.compile(r"(?<![\w$£€])((?:1[5-9]|20)\d\d)(?![\w])")  # "2020-2023" too


MONTH_REF = re.compile(
    r"\b(?:in|since|from|until|by|during|early|late|mid-?)\s+(?:early |late |mid-)?"
    r"(january|february|march|april|may|june|july|august|september|october|november|"
    r"december)\b(?!\s+\d)",
    re.IGNORECASE,
)


DENIED_CLAIM = re.compile(
    r"\b(?:den(?:y|ies|ied|ying)|dismiss(?:ed|es|ing)?|refut(?:ed|es|ing)|reject(?:ed|s|ing)|"
    r"rubbish(?:ed)?) (?:\w+ ){0,6}?(?:claims?|reports?|allegations?|accusations?|rumou?rs?)\b"
    r"|\bden(?:y|ies|ied|ying) (?:\w+ ){0,3}?that\b|^[^,]{0,60}\bden(?:y|ies) \w+",
    re.IGNORECASE,
)


CLAIMED = re.compile(
    r"\b(?:claim(?:ed|s|ing)?|rumou?r\w*|social media|posts?|videos?|footage|unverified|"
    r"alleg\w+|purported\w*)\b",
    re.IGNORECASE,
)


MONTH_YEAR = re.compile(
    r"\b(january|february|march|april|may|june|july|august|september|october|november|"
    r"december)\s+((?:19|20)\d\d)\b",
    re.IGNORECASE,
)


# "in 2016", "in the summer of 2011", "in early 2015": an event dated by its year alone.
IN_A_YEAR = re.compile(
    r"\bin (?:(?:the )?(?:(?:early|late|mid|summer|winter|spring|autumn|fall)[\w -]{0,10}? )"
    r"(?:of )?)?$",
    re.IGNORECASE,
)


# A year back, or earlier in the year: once the year is two months old, news of the day is
# not dated "earlier this year" ("the Palisades Fire that killed 12 people … earlier this
# year").
LAST_YEAR = re.compile(r"\b(?:last|previous) year\b|\b(?:two|three|several|\d+) years ago\b"
                       r"|\bearlier (?:this|in the) year\b", re.IGNORECASE)


# A day of a month without a year: "the October 7 attacks", "on 19 January", "March 3rd".
# A year after it is the year's to date ("October 7, 2023").
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december")


_MONTH_NAMES = f"({'|'.join(MONTHS)})"
MONTH_DAY = re.compile(
    rf"\b{_MONTH_NAMES}\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?!,?\s*(?:19|20)\d\d)"
    rf"|\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH_NAMES}\b(?!,?\s*(?:19|20)\d\d)",
    re.IGNORECASE,
)
# … unless a capitalised word follows: the day names a unit, a street or a movement ("the
# 14th October Brigade", "6th of October City", "the 26th of July Movement").
_IN_A_NAME = re.compile(r"\s+[A-Z]")
# A day this many days before the article's own date is no longer its news (the labelling
# rules count a disaster's aftermath "within about a month").
OLD_DAY = 45


# Words of comparison: "the worst floods since 1950", "the largest attack since the start of
# the war" compare today's event with the past and do not date it. "most of whom fled in
# 2017" is a quantity, no comparison; only "since" reaches back ("since the start of the war
# in 2022"; "the worst flood in decades struck the Netherlands in 1953" is a flood of 1953).
COMPARISON = (r"\b(?:worst|deadliest|bloodiest|largest|biggest|strongest|heaviest|highest|"
              r"greatest|fiercest|longest|lowest|first|most(?!\s+of\b)|record|unprecedented|"
              r"never)\b")
SINCE_YEAR = re.compile(COMPARISON + r"[^.]{0,60}\bsince\b(?:[^.]{0,40}\bin\s+|\s+(?:at least\s+|"
                        r"the\s+|(?:(?:early|late|mid-?)\s*)?(?:(?:" + "|".join(MONTHS)
                        + r")\s+)?))$", re.IGNORECASE)  # "… since the 2022 invasion"
# … and a month it reaches back to: "the first time since November 2024" (not "the largest
# city in eastern Congo, in January", a date)
SINCE_MONTH = re.compile(COMPARISON + r"[^.]{0,60}\bsince\s+(?:(?:early|late|mid-?)\s*)?$",
                         re.IGNORECASE)
# People protesting and their gatherings.
PROTESTERS = words("protesters")
PROTEST_GATHERINGS = words("protest_gatherings")
# Further gatherings that protest: "riots", "a walkout", "a crowd".
MORE_GATHERINGS = words("gatherings_more")
_ALL_GATHERINGS = PROTEST_GATHERINGS | MORE_GATHERINGS


def protesting(token: Token) -> bool:
    """The word names people protesting: a protester word, or one who takes part in a
    protest gathering, named by it with "-er" ("marchers", "rioters")."""
    lemma = token.lemma_.lower()
    return lemma in PROTESTERS or (lemma.endswith("er") and lemma[:-2] in _ALL_GATHERINGS)


def clause_head(tok: Token) -> Token:
    for t in (tok, *tok.ancestors):
        if (t.pos_ in ("VERB", "AUX") and t.dep_ not in ("amod", "compound")) or t.dep_ == "ROOT":
            return t
    return tok


_ASIDES = frozenset({"appos", "parataxis", "relcl", "acl"})


def own_clause(tok: Token, skip: frozenset[int] = frozenset()) -> str:
    """The words of the clause ``tok`` belongs to: tokens whose nearest clause head is the
    same, leaving out asides (appositions, parentheticals, relative clauses), the clauses
    nested inside it or around it, and the tokens in ``skip``."""
    head = clause_head(tok)
    asides = _comma_appositions(head.doc)
    return " ".join(
        t.text for t in head.doc
        if clause_head(t).i == head.i and not _in_aside(t, head) and t.i not in asides
        and t.i not in skip
    )


def governing_words(tok: Token, skip: frozenset[int] = frozenset()) -> str:
    """The words of the clauses above the trigger's own: each governing verb with its
    subject and objects ("the army denies reports [that rebels seized …]", "photographs
    [of the siege] go on show"). Under a verb of saying only the head noun of who says it
    counts, with a named speaker's title: "…, a study says" and "Judge Barrios said …"
    govern, "…, a court official says" is only a source; so does the head noun a clause is
    "according to". Tokens in ``skip`` are left out."""
    head = clause_head(tok)
    words: list[str] = []
    # who the clause is according to is its source, as a subject of saying is: "…,
    # according to a study published on Tuesday" (the head noun only)
    for c in (head, *head.ancestors):
        for prep in c.children:
            if prep.dep_ == "prep" and prep.lower_ == "according":
                words += [o.text for t in prep.children if t.lower_ == "to"
                          for o in t.children if o.dep_ == "pobj"]
    for anc in head.ancestors:
        if anc.pos_ not in ("VERB", "AUX") and anc.dep_ != "ROOT":
            continue
        subjects = [c for c in anc.children if c.dep_ in ("nsubj", "nsubjpass")]
        if anc.lemma_.lower() in REPORTING_HEADS:
            words += [s.text for s in subjects]
            # and the title of a named speaker: "Judge Yassmín Barrios said …"
            words += [c.text for s in subjects if s.pos_ == "PROPN"
                      for c in s.children if c.dep_ == "compound"]
            continue
        words.append(anc.text)
        for c in anc.children:
            if c.dep_ in ("nsubj", "nsubjpass", "dobj", "attr", "prep", "advmod", "npadvmod"):
                words += [w.text for w in c.subtree
                          if clause_head(w).i == anc.i and w.i not in skip]
    return " ".join(words)


def _comma_appositions(doc: Doc) -> set[int]:
    """Token indices of noun phrases set off by commas after a noun — "on Monday, the
    anniversary of the coup," — which the small parser often attaches as objects."""
    out: set[int] = set()
    commas = [t.i for t in doc if t.text == ","]
    for a, b in zip(commas, [*commas[1:], len(doc)], strict=False):
        seg = doc[a + 1 : b]
        if (
            len(seg) >= 2
            and a > 0
            and doc[a - 1].pos_ in ("NOUN", "PROPN")
            and seg[0].pos_ == "DET"
            and not any(t.pos_ in ("VERB", "AUX", "CCONJ") for t in seg)
        ):
            out.update(range(a + 1, b))
    return out


def _in_aside(tok: Token, head: Token) -> bool:
    for t in (tok, *tok.ancestors):
        if t.i == head.i:
            return False
        if t.dep_ in _ASIDES:
            return True
    return False


def dated_here(doc: Doc, trigger: Token) -> bool:
    """A recent date ('on Friday', 'today') stands in the trigger's own clause."""
    home = clause_head(trigger)
    for m in TIME_ANCHOR.finditer(doc.text):
        span = doc.char_span(m.start(), m.end(), alignment_mode="expand")
        if span is not None and clause_head(span.root).i == home.i:
            return True
    return False


def record_of(trigger: Token) -> bool:
    """'the group, which has claimed bombings in Marawi': a relative clause in the perfect
    with no date of its own describes someone's or somewhere's record, not today's news
    ('Sderot, which has been hit by rockets since Wednesday' has a date; 'signed a ceasefire
    on Friday for Ouham-Pendé, where fighting has uprooted thousands' dates the signing,
    not the uprooting)."""
    clause = clause_head(trigger)
    if clause.dep_ != "relcl":
        return False
    start = clause.left_edge.idx
    end = clause.right_edge.idx + len(clause.right_edge)
    if any(start <= m.start() < end for m in TIME_ANCHOR.finditer(trigger.doc.text)):
        return False
    return any(c.dep_ == "aux" and c.lower_ in ("has", "have") for c in clause.children)


# Spans of time that put what follows "after" or "since" well before the clause's own time.
LONG_UNITS = frozenset({"month", "year", "decade"})


def long_before(trigger: Token) -> bool:
    """The trigger lies in "N months after …" or "one year since …": what it names happened
    that long before the clause's news ("recaptured nine months after escaping during an
    ambush", "Tacloban marks one year since Typhoon Haiyan"); the clause's own event, which
    the phrase dates, is untouched ("killed …, a month after a similar attack")."""
    for anc in trigger.ancestors:
        if anc.dep_ != "prep" or anc.lower_ not in ("after", "since"):
            continue
        spans = [c for c in anc.children if c.dep_ == "npadvmod"]
        spans += [c for c in anc.head.children if c.dep_ == "npadvmod" and c.i == anc.i - 1]
        if any(c.lemma_.lower() in LONG_UNITS for c in spans):
            return True
    return False


def dates_an_old_span(trigger: Token) -> bool:
    """The trigger's clause is opened by "since" and names no day of this week: it says when
    a span of time began, weeks or more ago, not what is news ("aid trucks have arrived since
    the ceasefire took effect on January 19"; not "… since the ceasefire took effect on
    Sunday")."""
    head = clause_head(trigger)
    if not any(c.dep_ == "mark" and c.lower_ == "since" for c in head.children):
        return False
    return not THIS_WEEK.search(trigger.doc[head.left_edge.i : head.right_edge.i + 1].text)


def _subject_of(noun: Token, clause_ids: set[int]) -> bool:
    """The noun is, or sits inside, the subject of one of the given clauses."""
    for t in (noun, *noun.ancestors):
        if t.dep_ in ("nsubj", "nsubjpass") and t.head.i in clause_ids:
            return True
        if t.i in clause_ids:
            return False
    return False


def _years_back(year: int, reference_year: int, month: int) -> bool:
    """A year well before the news of an article from ``month`` of ``reference_year``."""
    return year < reference_year - 1 or (year == reference_year - 1 and month > 2)


# The year in a law's name dates the law, not what is done under it: "under the Terrorism
# Act 2000", "under the Alien Enemies Act of 1798" (wcep-2025-08-10-02974, -03-15-01182)
LAW_YEAR = re.compile(r"\b[A-Z][\w-]*\s+Acts?(?:\s+of)?\s+$")


def dated_in_the_past(
    doc: Doc, trigger: Token, reference_year: int | None, published: date | None,
    dates_itself: bool = True,
) -> bool:
    """A year, or a month named without a day, well before the article's own news, in the
    trigger's own clause marks background ("the 2020-2023 drought displaced …", "the city
    fell in August"); so does one in a clause on the trigger itself ("after an earthquake
    hit Hatay in February 2023", parsed as a reduced relative clause) when ``dates_itself``;
    a date inside a clause about someone ("fighters who signed the 2016 deal") does not."""
    if reference_year is None:
        return False
    text = doc.text
    month = published.month if published else 12
    old: list[int] = []
    compared: list[int] = []  # "the worst since 2013": no date of today's event …
    for m in YEAR.finditer(text):
        year = int(m.group(1))
        if SINCE_YEAR.search(text[: m.start()]):
            if _years_back(year, reference_year, month):
                compared.append(m.start())
            continue
        if LAW_YEAR.search(text[: m.start()]):
            continue  # "detained under the Terrorism Act 2000": the year names a law
        if _years_back(year, reference_year, month):
            old.append(m.start())
        elif published is None and IN_A_YEAR.search(text[: m.start()]):
            # Undated article, year taken from its text: news dates its own event by the
            # day; "when she fled Yei in 2016" dates a life story.
            old.append(m.start())
    for m in LAST_YEAR.finditer(text):
        if month > 2:
            old.append(m.start())
    if published is not None:
        for m in MONTH_YEAR.finditer(text):  # "in January 2024": a month of a given year
            named = int(m.group(2)) * 12 + MONTHS.index(m.group(1).lower())
            now = published.year * 12 + published.month - 1
            if now - named >= 2:
                (compared if SINCE_MONTH.search(text[: m.start()]) else old).append(m.start())
    if published is not None:
        for m in MONTH_REF.finditer(text):
            if m.group(0).split()[0].lower() in ("until", "by"):
                continue  # "suspends deportations until June": an end or a deadline
            named = MONTHS.index(m.group(1).lower()) + 1
            if (month - named) % 12 >= 2:  # two or more months back (a year wraps)
                (compared if SINCE_MONTH.search(text[: m.start(1)]) else old).append(m.start(1))
    if published is not None:
        for m in MONTH_DAY.finditer(text):  # "abducted during the October 7 attacks"
            if _IN_A_NAME.match(text, m.end()):
                continue
            age = _days_back(m, published)
            if age is not None and age > OLD_DAY:
                (compared if SINCE_MONTH.search(text[: m.start()]) else old).append(m.start())
    home = clause_head(trigger)
    for start in compared:
        # … unless the trigger is in the "since" clause the year dates: "the most serious
        # clashes since the truce was signed in 1994" names an old truce, not a new one
        span = doc.char_span(start, start + 1, alignment_mode="expand")
        if span is not None and clause_head(span.root).i == home.i and any(
                c.dep_ == "mark" and c.lower_ == "since" for c in home.children):
            return True
    if not old:
        return False
    home_line = {home.i, *(a.i for a in home.ancestors)}
    before = set_off_by(trigger)  # "a decade after the 2015 earthquake, a new quake …"
    for start in old:
        span = doc.char_span(start, start + 1, alignment_mode="expand")
        if span is None:
            return True
        if span.root.i in before:
            continue  # it dates what came before the event, not the event
        clause = clause_head(span.root)
        if clause.i in home_line:
            return True  # the date governs the trigger's clause or one above it
        while clause.dep_ == "conj" and clause.head.i != clause.i:
            # a relative clause's later verb: "a fire that killed 12 and destroyed 6,000
            # homes in 2024" dates the fire as its first verb would
            clause = clause.head
        if (clause.dep_ in ("relcl", "acl") and _subject_of(clause.head, home_line)
                and clause.left_edge.lower_ not in ("who", "whom", "whose")):
            # "a war that began in 2013 killed …": it dates the subject; "militants who
            # took part in the 2022 massacre are killed" says who they are
            return True
        if clause.dep_ in ("relcl", "acl") and clause.head.i == trigger.i and dates_itself:
            return True  # "after an earthquake [that] hit Hatay in February 2023"
    return False


def _days_back(m: re.Match[str], published: date) -> int | None:
    """How many days before ``published`` the day a `MONTH_DAY` match names lies: in the
    article's own year, or the year before when that day is still months away ("on
    December 28" in a January article); None for a day soon to come or no day at all."""
    month, day = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
    try:
        named = date(published.year, MONTHS.index(month.lower()) + 1, int(day))
    except ValueError:
        return None  # "February 30", "June 0"
    if (named - published).days > 60:  # (29 February is never that far ahead)
        named = named.replace(year=named.year - 1)
    age = (published - named).days
    return age if age >= 0 else None


def set_off_by(token: Token) -> frozenset[int]:
    """The words of what set the trigger's event off, or of the time since it, when the
    trigger is not inside them: "violent protests erupt in Dhaka after the verdict", "riots
    following the court's ruling", "a decade after the 2015 earthquake, a new quake struck"
    (a verdict that caused the protest is no trial of it; "sentenced after the bombing"
    still frames the bombing, which lies inside the phrase)."""
    head = clause_head(token)
    roots = [prep for anchor in {token, head} for prep in anchor.children
             if prep.dep_ == "prep" and prep.lower_ in _CAUSE_PREPS]
    roots += [span for span in head.children if span.dep_ == "npadvmod" and any(
        p.dep_ == "prep" and p.lower_ in _CAUSE_PREPS for p in span.children)]
    return frozenset(
        w.i for root in roots if token.i not in {t.i for t in root.subtree}
        for w in root.subtree
    )


_CAUSE_PREPS = frozenset({"after", "following"})

SINCE_THEN = re.compile(r"\bsince then\b", re.IGNORECASE)


def _since_then(doc: Doc, home: Token) -> bool:
    """'since then' stands in the clause of ``home`` or one joined to it by 'and'."""
    line = {home.i, *(c.i for c in home.conjuncts)}
    for m in SINCE_THEN.finditer(doc.text):
        span = doc.char_span(m.start(), m.end(), alignment_mode="expand")
        if span is not None and clause_head(span.root).i in line:
            return True
    return False


def continues_old_story(
    previous: str, doc: Doc, trigger: Token, reference_year: int | None,
    published: date | None,
) -> bool:
    """'Haiyan struck on November 8, 2013, … More than 6,300 people were killed and about
    four million were driven from their homes.': a sentence in the past (simple, perfect or
    progressive: "thousands were crossing") with no date of its own goes on with the story
    the sentence before it dated years back."""
    if reference_year is None or not previous:
        return False
    month = published.month if published else 12
    if not any(
        _years_back(int(m.group(1)), reference_year, month)
        and not SINCE_YEAR.search(previous[: m.start()])
        for m in YEAR.finditer(previous)
    ):
        return False
    text = doc.text
    if TIME_ANCHOR.search(text) or any(
        not _years_back(int(m.group(1)), reference_year, month) for m in YEAR.finditer(text)
    ):
        return False
    home = clause_head(trigger)
    if _since_then(doc, home):
        return True  # "… began in 2017. More than 6,000 people have been killed since then"
    if home.tag_ == "VBD":
        return True
    auxes = {c.lower_ for c in home.children if c.dep_ in ("aux", "auxpass")}
    if "had" in auxes and any(a.tag_ == "VBD" and a.lemma_.lower() in REPORTING_HEADS
                              for a in home.ancestors):
        return False  # "officials said they had received families who had crossed": the
        # past perfect of reported speech, not the old story
    return home.tag_ in ("VBN", "VBG") and bool(auxes & {"was", "were", "had"})


def trigger_token(doc: Doc, hit: TriggerHit) -> Token | None:
    span = doc.char_span(hit.start, hit.end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return None
    # Prefer the verb or noun that names the event over its modifiers.
    for tok in span:
        if tok.pos_ in ("VERB", "NOUN") and tok.lemma_.lower() not in {"air", "fierce", "heavy"}:
            if tok.head in span and tok.head.pos_ in ("VERB", "NOUN") and tok.dep_ == "compound":
                continue
            return tok
    return span.root


def is_factual(token: Token, etype: str) -> bool:
    """False when the parse shows the event as hypothetical, denied, prevented or negated."""
    future_ok = etype in FUTURE_OK_TYPES
    if (
        etype == "displacement"
        and token.dep_ in ("relcl", "acl")
        and token.head.lemma_.lower() in ("refugee", "migrant", "seeker", "exile", "evacuee")
    ):
        return False  # "refugees who fled the war" says who they are, not what happened
    if any(c.dep_ == "det" and c.lower_ in ("no", "any") for c in token.children):
        return False
    if token.dep_ not in ("nsubj", "nsubjpass") and any(
            c.dep_ == "amod" and FORETOLD.fullmatch(c.text) for c in token.children):
        # "amid the upcoming winter storm", "ahead of a planned protest"; as a clause's
        # subject the event's verb says what became of it ("the planned protest turned
        # violent")
        return False
    for anc in token.ancestors:  # "ended without an agreement on a ceasefire"
        if anc.lower_ == "without" or any(
            c.dep_ == "det" and c.lower_ == "no" for c in anc.children
        ):
            return False
        if anc.pos_ in ("VERB", "AUX"):
            break
    if (
        etype == "displacement"
        # a state ("are displaced"), not an act ("900,000 are evacuated", "evacuations
        # are ordered")
        and token.lower_.startswith(("displac", "uproot", "homeless"))
        and not TIME_ANCHOR.search(token.sent.text)
        and not FRESH_CAUSE.search(token.sent.text)
        and not FRESH_TOLL.search(token.sent.text)
        and (any(c.dep_ in ("auxpass", "aux") and c.lower_ in ("are", "is", "remain", "remains")
                 for c in token.children)
             or (token.dep_ in ("acomp", "oprd") and token.head.lemma_.lower() == "remain"))
    ):
        return False  # "two million are (remain) displaced": a standing figure, not news
    if etype in ("ceasefire", "refugee_policy") and token.pos_ in ("NOUN", "PROPN"):
        # "the ceasefire could collapse", "should have their asylum claims processed": what
        # happens to a truce or to refugees is said by the verb, not by the noun
        verb = next((a for a in token.ancestors if a.pos_ in ("VERB", "AUX")), None)
        if verb is not None:
            token = verb
            lemma = verb.lemma_.lower()
            if (lemma in HYPOTHETICAL_HEADS and lemma not in FUTURE_OK_HEADS.get(etype, ())) or (
                lemma in DENIAL_HEADS
            ):
                return False  # "proposes offshore asylum centres", "rejects the truce"
            if etype == "refugee_policy" and any(
                c.dep_ in ("nsubj", "nsubjpass") and NON_GOVERNMENT.search(
                    " ".join(t.text for t in c.subtree))
                for c in verb.children
            ):
                return False  # opposition proposals and campaigners' demands are not policy
    if (
        etype == "protest"
        and token.dep_ == "nsubj"
        and protesting(token)
        and token.head.lemma_.lower() in ("plan", "prepare", "intend", "threaten")
    ):
        # "protesters plan to march next week": the protest is still a plan ("protesters
        # demand his resignation" is the protest itself)
        return False
    path: list[Token] = [token]
    cur = token
    while cur.head.i != cur.i:
        if cur.dep_ in ("nsubj", "nsubjpass", "csubj"):
            if cur.i == token.i and _foretold(cur, future_ok):
                return False  # "protests could erupt", "mass protests are planned for Saturday"
            break  # the subject of a clause exists whatever the clause says of it
        if _presupposed(cur):
            break  # "…amid ongoing protests", "…due to the earthquake", "…after capturing"
        if _infinitive(cur) and cur.dep_ == "acl":
            # "a proposal to resettle them", "his threat to order deportations": the noun
            # says whether it is done; "the decision to close the camp" presupposes it
            noun = cur.head.lemma_.lower()
            if noun in HYPOTHETICAL_HEADS and noun not in FUTURE_OK_HEADS.get(etype, ()):
                return False
            break
        if cur.dep_ == "relcl" or (cur.dep_ == "acl" and not _content_clause(cur)):
            break  # "areas hit by the tsunami", "Sderot, which was hit": a description
        if cur.i != token.i and cur.pos_ in ("NOUN", "PROPN", "PRON") and cur.dep_ not in (
            "dobj", "pobj", "attr", "oprd", "appos", "conj", "compound",
        ):
            break  # a noun phrase standing on its own presupposes what it names
        # An object goes on up: "denied claims that they had seized the town", "predicted
        # an above-normal hurricane season", "warned of a possible offensive".
        cur = cur.head
        path.append(cur)
    through_from = False
    ruling = court_ruling_over(token) if etype == "refugee_policy" else None
    for i, tok in enumerate(path):
        lemma = tok.lemma_.lower()
        if i > 0 and lemma in REPORTING_HEADS:
            break
        # "a judge rules that the government cannot deport them", "the court rules that the
        # government may go on housing asylum seekers there": the ruling is the policy
        # decided, a negation or a modal under it only which way it went ("if", a denial
        # or a prevention under it still counts)
        ruled = ruling is not None and ruling in tok.ancestors
        for child in tok.children:
            if child.dep_ == "neg" and not ruled:
                return False
            if child.dep_ in ("aux", "auxpass") and child.lower_ in MODALS and not ruled:
                if future_ok and child.lower_ in ("will", "would", "'ll", "shall"):
                    continue
                return False
            if child.dep_ == "mark" and child.lower_ in ("if", "unless", "whether"):
                return False
        if tok.lower_ == "from":
            through_from = True
        if lemma == "without" or (tok.dep_ == "prep" and tok.lower_ == "without"):
            return False
        if i == 0 or path[i - 1].dep_ in ("conj", "parataxis"):
            continue  # a verb beside the event ("blocked the road and clashed") is no frame
        if _purpose(path[i - 1]) and lemma not in HYPOTHETICAL_HEADS:
            continue  # what it is done for is done: "blocked roads to protest the killings"
        if etype == "refugee_policy" and lemma in PREVENTION_HEADS:
            continue  # suspending a refugee programme or halting deportations is policy
        if etype == "attack" and lemma in REPEL_HEADS:
            continue  # an attack fought off was made: "troops repel an ambush, killing 34"
        if (lemma in PREVENTION_HEADS or (lemma == "keep" and through_from)) and (
                path[i - 1].dep_ != "prep" or path[i - 1].lower_ in PREVENTED_VIA):
            return _negated_by_failure(tok)
        if lemma in BAN_HEADS and i > 0 and path[i - 1].dep_ in ("dobj", "nsubjpass"):
            return False
        if lemma in DENIAL_HEADS or (
            lemma == "rule" and any(c.lower_ == "out" for c in tok.children)
        ):
            return False
        if lemma in INFINITIVE_ONLY and path[i - 1].dep_ != "xcomp":
            continue  # "gang members set fire to homes, forcing thousands to flee"
        if lemma in HYPOTHETICAL_HEADS and lemma not in FUTURE_OK_HEADS.get(etype, ()):
            return False
    return True


def court_ruling_over(tok: Token) -> Token | None:
    """The verb of a court's ruling above ``tok`` ("the Supreme Court rules that …", "…,
    ruling that …") in a sentence that names a court or a judge, or None; "rules out" is a
    refusal, not a ruling."""
    if not any(t.lower_ in COURT_WORDS for t in tok.sent):
        return None
    return next((a for a in tok.ancestors
                 if a.pos_ == "VERB" and a.lemma_.lower() == "rule"
                 and not any(c.dep_ == "prt" and c.lower_ == "out" for c in a.children)),
                None)


def _foretold(subject: Token, future_ok: bool) -> bool:
    """An event named as the subject of its own coming about, which the clause only
    foresees: "violent protests could erupt", "a strike will take place on Monday", "mass
    protests are planned for Saturday". Elsewhere the subject exists whatever the clause
    says of it ("the protests could spread", "the ceasefire is holding")."""
    verb = subject.head
    lemma = verb.lemma_.lower()
    if subject.dep_ == "nsubjpass" and lemma in HYPOTHETICAL_HEADS:
        return True
    if lemma not in COMING_ABOUT:
        return False
    return any(
        (c.dep_ in ("aux", "auxpass") and c.lower_ in MODALS
         and not (future_ok and c.lower_ in ("will", "would", "'ll", "shall")))
        or (c.dep_ == "mark" and c.lower_ in ("if", "unless", "whether"))
        for c in verb.children
    )


# Verbs that say an event comes about: "protests erupt", "a strike takes place", "rallies
# are held", "fighting breaks out"
COMING_ABOUT = words("coming_about")


def _infinitive(clause: Token) -> bool:
    """A verb with infinitival "to": "… to resettle them"."""
    return any(c.dep_ == "aux" and c.lower_ == "to" for c in clause.children)


def _purpose(clause: Token) -> bool:
    """An infinitive of purpose: "… to protest the killings" under the act it explains."""
    return clause.dep_ == "advcl" and _infinitive(clause)


def _content_clause(verb: Token) -> bool:
    """'claims that they had seized the town': a clause saying what the noun says."""
    return any(
        (c.dep_ == "mark" and c.lower_ in ("that", "whether", "if"))
        or (c.dep_ in ("nsubj", "nsubjpass") and c.lower_ not in ("who", "which", "that"))
        for c in verb.children
    )


def _negated_by_failure(tok: Token) -> bool:
    """'failed to stop them from taking the town' reports the taking."""
    for anc in [tok, *tok.ancestors]:
        if anc.lemma_.lower() in ("fail", "unable", "powerless"):
            return True
        if any(c.dep_ == "neg" for c in anc.children):
            return True
    return False


def under_inquiry(tok: Token) -> bool:
    """A word of inquiry governs the trigger: "a mission to investigate [reported
    killings]", "an investigation into [the bombing]"."""
    return any(INQUIRY.fullmatch(a.text) for a in tok.ancestors)
