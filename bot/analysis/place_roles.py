"""Where did it happen? The role a place name plays in a parsed sentence: the location
of an event, an actor's nationality or voice, or a mere reference point."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from bot.analysis.factuality import (
    ATTEMPT_HEADS,
    HYPOTHETICAL_HEADS,
    MODALS,
    REPORTING_HEADS,
)
from bot.analysis.triggers import TRIGGERS
from bot.analysis.wordlists import words

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

ACTOR_NOUNS = words("actor_nouns")


NEAR_BEFORE = re.compile(
    # not "the nearby city of X", which names X itself
    r"(?:\bnear|\bnearby(?!\s+(?:[\w-]+\s+)?(?:city|town|village|port|camp)\s+of\b)|"
    r"\bclose to|\bborder with|\bbordering|\bborders|\baway from|\bfrom"
    r"(?= the border)|\b(?:north|south|east|west|northeast|northwest|southeast|southwest)"
    r"(?:ern)?(?:-\w+)? (?:of|from)|"
    r"\b(?:km|kilometers|kilometres|miles)\)?\s+(?:\w+\s+)?(?:of|from)|"
    r"\bacross the border (?:from|in))\s+(?:the\s+)?(?:[\w-]+\s+){0,2}?(?:of\s+)?$",
    re.IGNORECASE,
)


NEAR_AFTER = re.compile(r"^(?:['’]s)?\s*(?:-\w+\s+)?(?:border|frontier|borders)\b", re.IGNORECASE)


ACTOR_AFTER = re.compile(
    r"^(?:['’]s?)?\s*(?:-?led\s+|-based\s+|-backed\s+)?(?:\w+\s+)?(?:"
    + "|".join(sorted((re.escape(n) for n in ACTOR_NOUNS), key=len, reverse=True))
    + r")\b",
    re.IGNORECASE,
)


# "U.S. and U.K. governments": a name coordinated with the next one shares its noun.
_COORDINATED = re.compile(r"^\s*(?:and|or|&)\s+(?:the\s+)?[A-Z][\w.'’-]*\s*")


def names_an_actor(after: str) -> bool:
    """The text right after a place name makes it someone's nationality or voice:
    'U.S. officials', "Israel's army", and the first of two coordinated names, 'U.S. and
    U.K. governments'."""
    return bool(ACTOR_AFTER.search(after) or ACTOR_AFTER.search(_COORDINATED.sub("", after, 1)))


PLACE_NOUNS = words("place_nouns")


LOCATIVE_PREPS = {
    "in", "at", "on", "into", "onto", "across", "around", "outside", "inside", "throughout",
    "within", "over", "to", "toward", "towards", "from", "against", "along", "through",
    "upon", "between", "beyond", "off", "of",
}


TARGET_VERBS = words("target_verbs")


# Verbs of sending a weapon off: the place it is sent "from" is not where it strikes.
LAUNCH_VERBS = words("launch_verbs")


PLACE_SUBJECT_VERBS = words("place_subject_verbs")


GOVERNMENT_NOUNS = words("government_nouns")


def governs(doc: Doc, sentence: str, start: int, end: int) -> bool:
    """A demonym naming a state actor: 'the Turkish interior ministry', 'Greek police'."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or not len(span):
        return False
    head = span.root.head
    for _ in range(3):  # "Turkish interior ministry": interior → ministry
        if head.lower_ in GOVERNMENT_NOUNS and head.lower_ not in ("border", "coast", "interior"):
            return True
        if head.lower_ not in ("border", "coast", "interior", "immigration") or head.head is head:
            return False
        head = head.head
    return False


def climb_coordination(tok: Token) -> Token:
    """From 'Herat' in 'Lashkar Gah, Kandahar, and Herat' to the first of the list."""
    while tok.dep_ in ("conj", "appos") and tok.head.i != tok.i:
        tok = tok.head
    return tok


# Verbs of a toll: a clause of them joined to the trigger's adds to its count.
_TOLL_VERBS = words("toll_verbs")


# Verbs of leaving or heading somewhere, whose subject is who leaves ("residents flee their
# homes"), and the prepositions of where to: a place so named is a flight's.
LEAVING_VERBS = words("leaving_verbs")
_BOUND = frozenset({"to", "toward", "towards", "for", "into"})
# The lexicon's words of a flight ("displaced", "evacuated"): a trigger that is one is the
# flight itself, whose places those are.
_FLIGHT_WORDS = [t.pattern for t in TRIGGERS if t.type == "displacement"]


# What an act answers ("in retaliation for attacks on Eilat"): a place under them is the
# answered act's.
MOTIVES = words("motives")


def a_motive(tok: Token) -> bool:
    """'retaliation' in "strike Hodeidah in retaliation for …", 'response' in "as a
    response to …": the phrase that says what an act answers."""
    return tok.lower_ in MOTIVES and tok.head.lower_ in ("in", "as")


def _in_other_clause(place: Token, trigger: Token) -> bool:
    """The place belongs to another clause than the trigger: a hypothetical one ('might
    take Goma'), one with its own subject ('…; thousands flee toward Gao'), one that tells of
    a place the sentence names ('Tawila, which hosts people who fled El Fasher'), a flight's
    ('sending residents fleeing toward Tawila') or what the trigger's act answers ('in
    retaliation for attacks on Eilat')."""
    trigger_line = {trigger.i, *(a.i for a in trigger.ancestors)}
    if _bound_for(place, trigger):
        return True
    for tok in [place, *place.ancestors]:
        if tok.i in trigger_line:
            return False
        if tok.dep_ == "conj" and tok.head.i in trigger_line and tok.lemma_ in _TOLL_VERBS:
            return False  # "four are killed and 77 are injured in X": one scene, one toll
        if a_motive(tok):
            return True  # "strike Hodeidah in retaliation for attacks on Eilat"
        if (tok.i != place.i and tok.dep_ == "relcl" and tok.head.pos_ == "PROPN"
                and not any(c.lower_ == "where" for c in tok.children)):
            # "heading for Tawila, which already hosts people who fled El Fasher": what is
            # told of a place named in the sentence, not the scene (a "where" clause is
            # that place's scene: "hit Mozambique, where rivers rose in Zambezia province")
            return True
        if tok.lemma_.lower() in (HYPOTHETICAL_HEADS - ATTEMPT_HEADS) or any(
            c.dep_ in ("aux", "auxpass") and c.lower_ in MODALS for c in tok.children
        ):
            return True
        if (
            tok.i != place.i
            and tok.pos_ in ("VERB", "AUX")
            and tok.dep_ not in ("relcl", "acl")  # "protesters who tried to storm …" is one scene
            and any(
                c.dep_ in ("nsubj", "nsubjpass") and c.i != place.i
                and c.lower_ not in ("who", "which", "that") and not _some_of_them(c)
                for c in tok.children
            )
        ):
            return True
    return False


def _bound_for(place: Token, trigger: Token | None) -> bool:
    """Where people fled or headed to, named for another act ("captured Um Kadada,
    sending residents fleeing west toward Tawila", "seizes Um Kadada, thousands flee
    toward Tawila") or for none (the town "the town" of the next sentence means). Not
    for the flight itself."""
    if place.dep_ != "pobj" or place.head.lower_ not in _BOUND:
        return False
    verb = next((a for a in place.ancestors if a.pos_ in ("VERB", "AUX")), None)
    if verb is None or verb.lemma_.lower() not in LEAVING_VERBS:
        return False
    return trigger is None or (
        verb.i != trigger.i and trigger.lemma_.lower() not in LEAVING_VERBS
        and not any(p.search(trigger.text) for p in _FLIGHT_WORDS))


def _some_of_them(subject: Token) -> bool:
    """'many of them' in "thousands fled Sake, many of them heading toward Goma": a part of
    the trigger's own people, whose clause goes on with the same scene."""
    return any(c.dep_ == "prep" and c.lower_ == "of"
               and any(o.lower_ in ("them", "whom") for o in c.children)
               for c in subject.children)


def _where_it_was_said(place: Token, trigger: Token | None) -> bool:
    """The place hangs on a verb of saying above the trigger's clause: where the news was
    told, not where it happened ("VOA's correspondent reports from Bangkok that the clashes
    …", "the ministry said in Kyiv that missiles hit Odesa"). Not a place put before the
    verb ("In Kanbalu, villagers said two bombs were dropped": the scene of what they
    tell), nor one the trigger's own clause hangs on ("reported from Bulawayo, where
    demonstrators marched")."""
    verb = place.head.head if place.dep_ == "pobj" and place.head.dep_ == "prep" else None
    if (verb is not None and verb.lemma_.lower() in REPORTING_HEADS and place.head.i > verb.i
            and any(c.dep_ == "ccomp" for c in verb.children)):
        if trigger is None:
            return True  # a sentence read for its places only: what it tells of is elsewhere
        return verb.i != trigger.i and verb in trigger.ancestors
    return _told_beside(place, trigger)


def _told_beside(place: Token, trigger: Token | None) -> bool:
    """The place lies in a clause hung on the verb of saying after it, beside what it says
    (and the trigger, if any, in what it says): "[Thailand and Cambodia agreed …],
    Malaysia's prime minister said after hosting talks in Putrajaya"."""
    path = [place, *place.ancestors]
    for k, verb in enumerate(path[1:], 1):
        if verb.lemma_.lower() in REPORTING_HEADS and verb.pos_ == "VERB":
            said = [c for c in verb.children if c.dep_ == "ccomp"]
            came_by = path[k - 1]
            return (bool(said) and came_by.dep_ in ("advcl", "prep") and came_by.i > verb.i
                    and (trigger is None
                         or any(trigger.i in {t.i for t in c.subtree} for c in said)))
    return False


def _subject_left_unparsed(tok: Token) -> bool:
    """'Armenia and Azerbaijan sign a peace agreement': the small parser takes a name
    before a present-tense verb that has no subject for a modifier of the verb; it is the
    subject."""
    verb = tok.head
    return (tok.dep_ in ("nmod", "npadvmod") and verb.pos_ == "VERB" and tok.i < verb.i
            and verb.dep_ != "pobj"  # "in Zamfara and Katsina states": a noun, tagged a verb
            and not any(c.dep_ in ("nsubj", "nsubjpass", "csubj") for c in verb.children))


def _place_noun(tok: Token) -> bool:
    """'province', 'district' — also capitalised plurals the lemmatiser leaves alone, as
    in "Borno and Yobe States" (the parse's lemma of "States" is "States")."""
    return tok.lemma_.lower() in PLACE_NOUNS or is_place_noun(tok.text)


def is_place_noun(word: str) -> bool:
    """'province', 'Oblasts', 'States': a place noun, singular or plural."""
    low = word.lower()
    return low in PLACE_NOUNS or (low.endswith("s") and low[:-1] in PLACE_NOUNS)


# A country's sea named by its demonym: "off the Somali coast", "in Venezuelan waters".
_WATERS = words("waters")


def _waters_of(doc: Doc, start: int, end: int) -> bool:
    """The demonym qualifies a coast or waters that are where something is: "a strike on a
    boat in the Venezuelan coast" happened off Venezuela, not in the striking country."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or not len(span):
        return False
    head = span.root.head
    return (span.root.dep_ in ("amod", "compound") and head.lower_ in _WATERS
            and head.dep_ == "pobj" and head.head.lower_ in LOCATIVE_PREPS)


# People who are where they come from, or are counted at the place they left: "refugees
# from Sudan" arriving in Chad are displaced from there.
_UPROOTED = words("uprooted")


def _whence(word: Token) -> bool:
    """Whether "from X" on ``word`` says where someone or something comes from, not where
    anything happens: a noun or a number it qualifies ("gunmen from Nigeria", "fuel trucks
    from Senegal", "a man from Tulkarm", "five killed, four from Norway"); not a verb's
    ("fled from Mosul") nor the uprooted's ("refugees from Sudan")."""
    return (word.pos_ in ("NOUN", "PROPN", "NUM", "PRON")
            and word.lemma_.lower() not in _UPROOTED and word.lower_ not in _UPROOTED
            # a parse that found no verb at all ("a convoy of buses and cars departs from
            # Tunis", "departs" read as a noun) says nothing of what "from" hangs on
            and word.sent.root.pos_ in ("VERB", "AUX"))


def place_role(
    doc: Doc, sentence: str, start: int, end: int, demonym: bool, trigger: Token | None
) -> str:
    """How a place name is used in a sentence:

    'location' — where something happens: after a locative preposition, the object or
    passive subject of an event verb, the name of a place noun ('the town of X'), or a
    demonym's coast or waters ('off the Somali coast');
    'actor' — the nationality or voice of someone ('U.S. officials', 'Israel said');
    'near' — a reference point ('near the Pakistan border', '30 km north of Goma');
    'origin' — where a weapon was sent from ('a missile launched from Yemen');
    'other' — anything else (criticised Washington, a hypothetical clause).
    """
    if demonym:
        return "location" if _waters_of(doc, start, end) else "actor"
    before, after = sentence[max(0, start - 40) : start], sentence[end : end + 40]
    if NEAR_BEFORE.search(before) or NEAR_AFTER.search(after):
        return "near"
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or not len(span):
        return "actor" if ACTOR_AFTER.search(after) else "location"
    root = span.root
    tok = climb_coordination(root)
    if (trigger is not None and _in_other_clause(root, trigger)) or _where_it_was_said(
            tok, trigger) or (trigger is None and _bound_for(root, None)):
        return "other"
    # 'the town of X', 'X province', "Helmand's provincial capital": the place noun decides
    if tok.dep_ == "pobj" and tok.head.lower_ == "of" and tok.head.head.lemma_ in PLACE_NOUNS:
        return "location"
    if _subject_left_unparsed(tok):
        return "location" if tok.head.lemma_.lower() in PLACE_SUBJECT_VERBS else "actor"
    if tok.dep_ in ("compound", "poss", "nmod", "amod"):
        head = tok.head
        if _place_noun(head):
            return "location"
        if (head.lower_ in ACTOR_NOUNS or head.lemma_.lower() in ACTOR_NOUNS
                or head.ent_type_ in ("ORG", "NORP", "PERSON")):
            return "actor"
        return "actor" if ACTOR_AFTER.search(after) else "other"
    head = tok.head
    if tok.dep_ == "pobj":
        prep = head.lower_
        if prep == "by" and head.head.pos_ in ("VERB", "AUX"):
            return "agent"  # "hosted by Qatar": who did something else in the sentence
        if prep == "from" and head.head.lemma_.lower() in LAUNCH_VERBS:
            return "origin"  # "a missile launched from Yemen": where it came from, not hit
        if prep == "from" and _whence(head.head):
            return "origin"  # "gunmen from Nigeria", "four from Norway": whose they are
        return "location" if prep in LOCATIVE_PREPS else "other"
    if tok.dep_ in ("dobj", "obj", "attr", "oprd"):
        verb = head.lemma_.lower()
        if verb in TARGET_VERBS or (trigger is not None and head.i == trigger.i):
            return "location"
        return "other"
    if tok.dep_ == "nsubjpass":
        return "location" if head.lemma_.lower() in TARGET_VERBS else "other"
    if tok.dep_ in ("nsubj", "csubj", "expl"):
        if head.lemma_.lower() in PLACE_SUBJECT_VERBS:
            return "location"
        return "actor"
    if tok.dep_ in ("ROOT", "npadvmod", "dep") and sentence[end : end + 2].strip().startswith(":"):
        return "location"  # a dateline or a headline lead: "Kharkiv: ..."
    return "other"
