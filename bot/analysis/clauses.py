"""Readings of a trigger word's own clause through the dependency parse: what a capture
takes, who flees, whether a disaster word names an outlook or is part of a name, whether
"protest" gives the motive of another act. Each reads one spaCy token and its sentence
(sometimes with token indices to leave aside, or the clause's words) and gives a yes/no, a
set of tokens or the words of a clause. `bot.analysis.events` uses them to keep or drop a
candidate event and to leave words out of the clause its vetoes read.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from bot.analysis.casualties import HARM
from bot.analysis.factuality import (
    DENIAL_HEADS,
    FORETOLD,
    MORE_GATHERINGS,
    ORDNANCE,
    PROTEST_GATHERINGS,
    PROTESTERS,
    SEIZED_GOODS,
    TAKEN_PEOPLE,
    TIME_ANCHOR,
    TRAVELLERS,
    clause_head,
    dates_an_old_span,
    own_clause,
    protesting,
)
from bot.analysis.place_roles import a_motive, climb_coordination
from bot.analysis.wordlists import words

if TYPE_CHECKING:
    from spacy.tokens import Span, Token


def modifies_a_thing(tok: Token, named: set[int]) -> bool:
    """The name qualifies a noun that is no place: "US" in "UAE and US airstrikes" says
    whose strikes, not where; "Zaporizhzhia" hung on "Kharkiv" is still a place."""
    tok = climb_coordination(tok)
    return tok.dep_ in ("compound", "nmod", "amod", "poss") and tok.head.i not in named


def grievances(sent: Span) -> frozenset[int]:
    """The words of what protests in the sentence are over or against: "protests over fuel
    prices", "demonstrating against the tax increases"."""
    return frozenset(
        w.i for t in sent if t.lemma_.lower() in _PROTEST_WORDS
        for prep in t.children if prep.dep_ == "prep" and prep.lower_ in ("over", "against")
        for w in prep.subtree
    )


_PROTEST_WORDS = PROTESTERS | PROTEST_GATHERINGS | words("protest_acts")


def intercepts(verb: Token) -> bool:
    """"shot down four Russian drones", "intercepted a missile": what is hit is the
    attacker's weapon, not the attacked."""
    lemma = verb.lemma_.lower()
    return lemma in ("intercept", "down") or (
        lemma in ("shoot", "bring") and any(c.dep_ == "prt" and c.lower_ == "down"
                                            for c in verb.children))


# A purely spatial phrase: its noun says where, so it cannot veto ("outside a court").
SPATIAL = re.compile(
    r"\b(?:outside|near|in front of|opposite|behind|beside|next to|close to) "
    r"(?:the |a |an )?(?:[\w'’-]+ ){0,3}?[\w'’-]+",
    re.IGNORECASE,
)


def occasion(token: Token) -> frozenset[int]:
    """The words of an anniversary the trigger's event fell on, when the trigger is not
    the old event itself: "a general strike on the second anniversary of the Tempi train
    crash", "arrested during a World War II anniversary event" (but "on the anniversary of
    the massacre" still frames the massacre)."""
    out: set[int] = set()
    for t in token.sent:
        if t.lemma_.lower() != "anniversary":
            continue
        noun = t
        while noun.dep_ in ("compound", "amod"):
            noun = noun.head
        prep = noun.head
        if (noun.dep_ == "pobj" and prep.dep_ == "prep"
                and token.i not in {w.i for w in prep.subtree}):
            out.update(w.i for w in prep.subtree)
    return frozenset(out)


# What can be done to a truce that is news about it (SPEC: agreed, taking effect,
# strengthened, collapsing); "monitor the ceasefire", "violations of the ceasefire",
# "despite the agreed ceasefire" only name one.
TRUCE_VERBS = words("truce_verbs")


# Nouns of what is done to a truce that are news about it, as its verbs are: "the
# announcement of a ceasefire" (two train items, both labelled ceasefire)
TRUCE_ACTS = words("truce_acts")


# A truce noun naming these is about talks, not a truce agreed or broken (labelling rule 8
# of ../shared/eval/README.md: "Not: … talks").
_TALKS = words("talks")


def truce_news(token: Token, depth: int = 0) -> bool:
    """Whether a truce noun is what its clause reports on: the subject ("the ceasefire comes
    into effect"), the object of a truce verb ("sign a truce", "agree to a ceasefire"), a
    headline; not a truce that only frames another report, such as one that began weeks
    ago and now dates a span ("aid trucks have arrived since the ceasefire took effect on
    January 19"; not "the worst clashes since the ceasefire took effect on Sunday")."""
    if depth == 0 and dates_an_old_span(token):
        return False
    if token.pos_ not in ("NOUN", "PROPN") or depth > 4:
        return True
    dep, head = token.dep_, token.head
    if dep == "compound" and head.lemma_.lower() in _TALKS:
        return False  # "a delegation for ceasefire talks", "a 20-point ceasefire proposal"
    if dep == "compound" and head.lemma_.lower() in TRUCE_ACTS:
        return True  # "the ceasefire announcement"
    if dep == "pobj" and head.lower_ == "of" and head.head.lemma_.lower() in TRUCE_ACTS:
        return True  # "hours after the announcement of a ceasefire agreement"
    if dep in ("compound", "conj", "appos", "amod", "nmod"):
        return truce_news(head, depth + 1)
    if dep == "pobj":
        if head.lower_ == "of" and head.head.pos_ in ("NOUN", "PROPN"):
            return truce_news(head.head, depth + 1)  # "the first phase of a ceasefire"
        # "agree to a ceasefire", "a deal on a truce"; not "talks on a ceasefire"
        return head.lower_ in ("to", "on", "for") and head.head.lemma_.lower() in (
            *TRUCE_VERBS, "agreement", "deal", "accord")
    if dep == "dobj":
        if head.lemma_.lower() == "negotiate" and head.tag_ not in ("VBD", "VBN"):
            return False  # "agree to negotiate a ceasefire": talks; "negotiated" one is made
        return head.lemma_.lower() in TRUCE_VERBS
    return True


def taken(token: Token) -> list[Token]:
    """What a capture word takes: a verb's object, or what a participle qualifies
    ("combatants captured during the conflict"), or what a noun is of ("the capture of
    Goma"); with the object's apposition ("seizes the Marinette, the last vessel of the
    flotilla"), what the object is of ("seize 400 kg of cocaine"), and for a pronoun the
    nouns before it in the sentence."""
    taken = objects(token)
    for obj in list(taken):
        taken += [c for c in obj.children if c.dep_ == "appos"]
        taken += of_objects(obj)  # "control of", "400 kg of"
        if obj.lower_ in ("it", "them"):  # "releases a tanker … after seizing it"
            taken += [t for t in token.sent if t.i < token.i and t.pos_ == "NOUN"]
    return taken


def objects(token: Token) -> list[Token]:
    """A verb's object, or what its participle qualifies ("combatants captured"), or what
    a noun is of ("the capture of Goma", "the evacuation of residents")."""
    if token.pos_ != "VERB":
        return of_objects(token)
    taken = [c for c in token.children if c.dep_ in ("dobj", "nsubjpass")]
    if token.dep_ == "relcl":  # "Oron Shaul, who was captured": who stands for the name
        taken = [token.head if t.tag_ in ("WP", "WDT") else t for t in taken]
    if taken or token.dep_ != "acl":
        return taken
    # A participle after a noun qualifies that noun, whatever the parse hangs it on
    # ("the exchange of prisoners captured during the conflict" is the prisoners').
    before = token.nbor(-1) if token.i > token.sent.start else None
    return [before if before is not None and before.pos_ in ("NOUN", "PROPN") else token.head]


def takes_goods(token: Token) -> bool:
    """What a capture verb takes is a vessel, goods or money ("seizes €17 million", "seize
    more than US$313 million in real estate assets")."""
    return any(SEIZED_GOODS.fullmatch(t.text) or t.ent_type_ == "MONEY" for t in taken(token))


def takes_people(token: Token, places: frozenset[int] = frozenset()) -> bool:
    """What a capture word takes is people, not a place: fighters or fugitives ("police
    capture several militants", "a fifth escapee is captured", "several IS–Somalia
    militants", "Mohamed Amra … is recaptured"). A place taken too keeps the capture.
    ``places`` holds the indices of the tokens that name places found in the sentence."""
    taken = objects(token)
    return bool(taken) and all(
        people(t, places) or any(people(a, places) for a in t.children if a.dep_ == "appos")
        for t in taken
    )


def people(token: Token, places: frozenset[int]) -> bool:
    """People by a word for them ("militants") or by a person's full name ("Mohamed
    Amra"). The small model also tags unknown towns as persons, so a name counts only
    with two words or more, no article ("the disputed Sandy Cay Reef") and no place found
    in it ("the capture of Beled Hawo")."""
    if TAKEN_PEOPLE.fullmatch(token.text):
        return True
    if token.ent_type_ != "PERSON":
        return False
    name = next((e for e in token.doc.ents if e.start <= token.i < e.end), None)
    return (
        name is not None
        and len(name) >= 2
        and not any(c.dep_ == "det" for c in name.root.children)
        and not any(t.i in places for t in name)
    )


# Who governs an aim that has been reached: "managed to capture", "were able to retake".
_ACHIEVED = words("achieved")


def capture_aimed(token: Token) -> bool:
    """A capture in the infinitive is an aim, not a capture: "the plan to capture Gaza
    City", "an offensive to capture", "an operation … to retake the town", "the group's
    main goal is to capture Mogadishu"); not when it was achieved ("managed to capture") or
    is told as done ("rebels claim to have captured the city")."""
    aux = {c.lemma_.lower() for c in token.children if c.dep_ == "aux"}
    return "to" in aux and "have" not in aux and token.head.lemma_.lower() not in _ACHIEVED


# Nouns for what someone means to do: "the plan to capture", "a proposal to evacuate".
_PLANS = words("plans")


def displacement_planned(token: Token) -> bool:
    """Displacement in the infinitive of a plan is a plan, not people displaced: "his
    proposed plan to temporarily evacuate 1,000 Palestinians", "Trump's plan to forcibly
    displace Gazan civilians". People ordered or forced to leave ("are ordered to
    evacuate", "were forced to flee") are displaced."""
    aux = {c.lower_ for c in token.children if c.dep_ == "aux"}
    return "to" in aux and token.dep_ == "acl" and token.head.lemma_.lower() in _PLANS


# Where a camp is only the place something happens: "armoured vehicles entering the refugee
# camp", "a strike on … in the camp".
_CAMP_PLACE_VERBS = words("camp_place_verbs")
_CAMP_PLACE_PREPS = frozenset({"in", "at", "into", "inside", "near", "around", "outside"})


def camp_as_place(token: Token) -> bool:
    """A refugee camp named as the place of something else is no refugee policy ("vehicles
    entering the refugee camp"); what a government does to a camp is ("closes the camp")."""
    if token.dep_ == "compound" and token.head.lemma_.lower() == "camp":
        token = token.head  # "refugee" of "the refugee camp"
    if token.lemma_.lower() != "camp":
        return False
    head = token.head
    if token.dep_ == "pobj":
        return head.lower_ in _CAMP_PLACE_PREPS
    return token.dep_ in ("dobj", "nsubjpass") and head.lemma_.lower() in _CAMP_PLACE_VERBS


def camp_kind(token: Token) -> bool:
    """"Displacement" naming a kind of camp ("the shelling of a displacement camp", "an
    internal displacement camp") says where something happened, not that people fled."""
    return token.lemma_.lower() == "displacement" and (
        token.dep_ in ("compound", "amod", "nmod") and token.head.lemma_.lower() == "camp"
    )


def displaced_as_epithet(token: Token) -> bool:
    """"Displaced" before a noun says who people are, not that they fled now: "a school
    sheltering displaced civilians", "strikes against displaced Palestinians", "the affected
    displaced population" (the ten train and tune items with it before a noun are labelled
    no displacement). After a noun that "the" marks as people already known it says the same:
    "help for the millions displaced inside Sudan" (a report says "leaves 10,000 people
    displaced", "with thousands displaced", without the article)."""
    if token.lower_ != "displaced":
        return False
    if token.dep_ == "amod":
        return True
    return token.dep_ == "acl" and any(
        c.dep_ == "det" and c.lower_ == "the" for c in token.head.children)


def travellers_evacuated(token: Token) -> bool:
    """Who is evacuated are a vehicle's passengers or crew ("all 169 people on board are
    evacuated from the aircraft"): an incident's precaution, not people displaced."""
    if not token.lemma_.lower().startswith("evacuat"):
        return False
    return any(TRAVELLERS.search(" ".join(t.text for t in e.subtree)) for e in objects(token))


# Who flees an attack they made is no one displaced: "the attackers fled", "the suspect
# fled", "militants storm a police station and set fire to two banks before fleeing" (five
# train items, none labelled displacement).
_ASSAILANTS = words("assailants")


def assailants_flee(token: Token) -> bool:
    """The one who flees is an attacker: the verb's own subject, or for a verb without one
    ("… before fleeing", "stormed the station and fled") the subject of the verb it hangs
    on. An infinitive is not climbed: in "gunmen force villagers to flee" the villagers
    flee."""
    if not token.lemma_.lower().startswith("fle"):
        return False
    verb = token
    subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
    while not subjects and verb.dep_ in ("pcomp", "prep", "advcl", "conj") and verb.head != verb:
        verb = verb.head
        subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
    words = [x for subject in subjects for x in (subject, *subject.conjuncts)]
    words += [p for w in list(words) for p in of_objects(w)]  # "dozens of militants"
    return any(x.lemma_.lower() in _ASSAILANTS or x.lower_ in _ASSAILANTS for x in words)


# Words that introduce why something was done: "after the discovery of", "because of".
_CAUSES = frozenset({"after", "following", "because", "due", "over", "when", "as"})


def evacuated_for_ordnance(token: Token) -> bool:
    """An evacuation whose cause is unexploded ordnance found ("police evacuate several
    blocks after the discovery of a World War II unexploded bomb", "10,000 people are
    ordered to evacuate after authorities discover … unexploded ordnance"): a precaution,
    not people displaced. The ordnance must sit in a cause phrase that hangs on the
    evacuation, a verb above it or one joined to it, not anywhere in the sentence."""
    if not token.lemma_.lower().startswith("evacuat"):
        return False
    anchors = {token, *token.ancestors}
    anchors |= {c for a in list(anchors) for c in a.children if c.dep_ == "conj"}
    for word in token.sent:
        if not ORDNANCE.fullmatch(word.text):
            continue
        for above in word.ancestors:
            cause = above.lower_ in _CAUSES or any(  # "after [authorities discover …]"
                c.dep_ == "mark" and c.lower_ in _CAUSES for c in above.children)
            if cause and above.head in anchors:
                return True
    return False


# Finding the dead: what is found is bodies or graves.
_FIND_VERBS = words("find_verbs")
_REMAINS = words("remains")


def bodies_found(token: Token) -> bool:
    """Harm or an attack told only through bodies or graves found ("soldiers find a mass
    grave with around 465 bodies", "the bodies of three women who were shot and killed are
    discovered in a graveyard", "the remains of 30 people believed to have been killed by
    Islamic State militants are found"): a discovery, and killings of no known date, not a
    report of harm now (15 of the 17 train and tune items that tell of bodies or graves
    found are labelled no civilian harm, and 27 of 28 no attack). The harm stands when the
    sentence dates it or sets the finding amid fighting, as the two items labelled harm do:
    "the bodies of fourteen aid workers killed on March 23 are recovered", "twenty bodies …
    are found … amid clashes between factions"."""
    for verb in (token, *token.ancestors):
        if verb.pos_ != "VERB" or verb.lemma_.lower() not in _FIND_VERBS:
            continue
        found = [w for c in verb.children if c.dep_ in ("dobj", "nsubjpass")
                 for w in (c, *c.conjuncts)]
        if any(w.lemma_.lower() in _REMAINS or w.lower_ in _REMAINS for w in found):
            return not (TIME_ANCHOR.search(token.sent.text)
                        or any(t.lower_ == "amid" for t in verb.subtree))
    return False


# An outbreak of these is weather or fire, not disease: "a tornado outbreak".
_WEATHER_OUTBREAKS = words("weather_outbreaks")


def cause_of_an_outbreak(token: Token) -> bool:
    """The disaster word names what set off a disease outbreak, which is the news ("killed by
    a melioidosis outbreak caused by standing waters from persistent flooding", "declares a
    leptospirosis outbreak after Hurricane Melissa"): LABELLING.md counts outbreaks and
    epidemics as no disaster, and both such train and tune items are labelled none. A
    "tornado outbreak" is weather."""
    for word in token.ancestors:
        if word.lemma_.lower() in ("outbreak", "epidemic") and word.pos_ == "NOUN":
            named = {t.lower_ for c in word.lefts for t in c.subtree}  # "derecho and tornado"
            return token.i > word.i and not named & _WEATHER_OUTBREAKS
    return False


# What the authorities do to people for what they did.
_LEGAL_ACTIONS = words("legal_actions")


def protest_as_grounds(token: Token) -> bool:
    """The protest is what people are arrested, charged or released for ("police detain
    eleven people for … participating in shopping boycotts as a protest", "releases 127
    people on bail after they were arrested for taking part in protests", "charge 98 people
    with treason over their alleged participation in violent protests"): the news is the
    legal action, the protest an earlier event (nine of the ten train and tune items with an
    arrest, charge or release for taking part in a protest are labelled no protest; the
    tenth, 500 people "detained … for attending a protest" at it, is lost). Protesters
    arrested at a protest are its news: "police arrest 50 protesters"."""
    for word in token.ancestors:
        if (word.dep_ == "prep" and word.lower_ in ("for", "over")
                and word.head.lemma_.lower() in _LEGAL_ACTIONS):
            return True
    return False


def asylum_for_a_person(token: Token) -> bool:
    """Asylum granted to one named person is a decision on that person, not refugee
    policy. WCEP labels it so on two stories: "Mexico's decision to grant asylum to former
    Peruvian prime minister Betssy Chávez" (wcep-2025-11-03-04302, and -11-06-04346), and
    Brazil granting a former first lady "their right of asylum" (wcep-2025-04-16-01601, a
    form this check does not read). Asylum "to 300 Afghan interpreters" or "to Afghan
    refugees" stays policy."""
    if token.lemma_.lower() != "asylum" or token.dep_ != "dobj":
        return False
    for prep in token.head.children:
        if prep.dep_ in ("prep", "dative") and prep.lower_ == "to":
            for who in prep.children:
                if who.dep_ == "pobj":
                    return who.tag_ == "NNP" and not any(
                        c.dep_ == "nummod" for c in who.children)
    return False


# Weapons that make an attack at a gathering a bombing, a stabbing or a ramming, not force
# used on protesters (WCEP-2025: "a grenade attack at an M23 rally", "a bombing at a
# political rally", "a stabbing attack at a pro-Palestinian demonstration").
_ASSAULT_WEAPON = re.compile(
    r"(?i)bomb|grenade|explos|blast|\bIEDs?\b|suicide|rocket|missile|drone|stabb|knife|ramm")


def fired_on_protesters(token: Token) -> bool:
    """The trigger's target ("on", "at", "into" or the object) is people protesting or
    their gathering: "guards open fire on marchers", "police fired into the rally". Not a
    bombing or a stabbing there ("a suicide bombing at a political rally", "a stabbing attack
    at a demonstration"): that is an attack on the crowd."""
    if _ASSAULT_WEAPON.search(" ".join(
            [token.text, *(c.text for c in token.children if c.dep_ in ("compound", "amod"))])):
        return False
    # the parse may hang the target on the noun of "open fire": "open fire on marchers"
    fire = [c for c in token.children if c.dep_ == "dobj" and c.lower_ == "fire"]
    for t in (token, token.head, *fire):
        for c in t.children:
            targets = [c] if c.dep_ == "dobj" else (
                [p for p in c.children if p.dep_ == "pobj"]
                if c.dep_ == "prep" and c.lower_ in ("on", "at", "into") else [])
            if any(protesting(x) or x.lemma_.lower() in PROTEST_GATHERINGS for x in targets):
                return True
    return False


def in_a_who_clause(token: Token) -> bool:
    """The word lies in a relative clause that tells who someone is ("students who led the
    protests", "a rioter who took part in the riot at the Capitol", "Hasina, who was
    ousted during mass protests"): a protest in someone's description is their past, not
    today's news (7 train/tune items, none labelled a protest). Only a gathering named as
    such: "police, who responded with tear gas" tells what they did."""
    if token.lemma_.lower() not in _UNREST_WORDS:
        return False
    for x in (token, *token.ancestors):
        if x.dep_ == "relcl":
            # the relative word, or "whose" on the clause's subject or object ("a man whose
            # assault of a girl sparked protests", "Nahel, whose death sparked the riots")
            return any(w.lower_ in ("who", "whom", "whose") or any(
                p.lower_ == "whose" and p.dep_ == "poss" for p in w.children)
                for w in x.children if w.dep_ in ("nsubj", "nsubjpass", "poss", "dobj"))
        if x.dep_ == "ROOT":
            break
    return False


def struck_by_lightning(token: Token) -> bool:
    """The strike is lightning's ("a lightning strike on Mittagsspitze", "lightning strikes
    near Lake Murray"): weather, neither an air strike nor a labour strike (3 train items,
    read as an attack or a protest by the lexicon's "strike")."""
    if token.lemma_.lower() != "strike":
        return False
    return any(c.lower_ == "lightning" for c in token.children
               if c.dep_ in ("compound", "amod", "nsubj", "nmod"))


# What opens a clause of circumstance: "while removing munitions", "after a child …".
_CIRCUMSTANCE_MARKS = frozenset({"while", "after", "when"})


def circumstance_clauses(token: Token) -> str:
    """The words of the clauses opened by "while", "after" or "when" that hang on the
    trigger's clause, a clause governing it or a clause joined to it, with their opening
    word: what people were doing or what set the harm off ("killed in an explosion while
    removing munitions", "were injured after a drone crashed and exploded, while they were
    inspecting it", "killed after a child accidentally detonates a grenade"). The small
    parser often joins such a clause to the one before as a conjunct that keeps its "after"
    ("five are killed and two injured …, after a child accidentally detonates …"), hangs it
    on the second of two joined verbs ("two are killed and six injured after …"), or reads
    its "after" as a preposition whose object carries the rest as a relative clause
    ("killed after a bomb [she was carrying explodes]")."""
    head = clause_head(token)
    return " ".join(
        " ".join(w.text for w in c.subtree)
        for a in (token, head, *head.conjuncts, *head.ancestors)
        for c in a.children
        if (c.dep_ == "prep" and c.lower_ in _CIRCUMSTANCE_MARKS)
        or (c.dep_ in ("advcl", "conj")
            and any(m.dep_ == "mark" and m.lower_ in _CIRCUMSTANCE_MARKS for m in c.children)))



def by_lightning(token: Token, etype: str) -> bool:
    """An attack or protest word that is lightning's strike, or harm in a clause whose
    strike is lightning's ("two farmers are killed by a lightning strike")."""
    if etype in ("attack", "protest"):
        return struck_by_lightning(token)
    return etype == "civilian_harm" and any(
        struck_by_lightning(t) for t in clause_head(token).subtree)


def strikes_a_thing(token: Token) -> bool:
    """The verb "strike" that hits something: with an object ("a train strikes a minibus",
    "Russian forces strike Zaporizhzhia") or a single thing as its subject ("a tornado
    strikes Rio Bonito"). Workers who strike do so together and hit nothing ("dockers strike
    over pay"). All 16 such verbs in the train and tune items with the protest lexicon's
    "strike" are earthquakes, storms, vehicles or weapons, none a protest."""
    if token.lemma_.lower() != "strike" or not token.tag_.startswith("VB"):
        return False
    return any(c.dep_ == "dobj" or (c.dep_ == "nsubj" and c.tag_ in ("NN", "NNP"))
               for c in token.children)


# What people do together to protest: the act "in protest" or "to protest" must be one of
# these for the word "protest" to report a protest ("thousands demonstrate in protest of",
# "crowds gather to protest", "demonstrations take place in protest") rather than its motive
# ("the ministry summons the ambassador in protest", "ministers resign in protest", "a
# spending boycott in protest of prices", "controllers go on strike to protest understaffing").
_GATHER_VERBS = words("gather_verbs")
_GATHERINGS = PROTEST_GATHERINGS | PROTESTERS | MORE_GATHERINGS
_CROWDS = words("crowds")
_UNREST_WORDS = _GATHERINGS | words("unrest_nouns")  # a protest told by its noun


def protest_as_motive(token: Token) -> bool:
    """The word "protest" gives the motive of an act that is no gathering: "in protest"
    or "to protest" hung on a verb that no crowd, march or general strike does, or a
    protest lodged by a government ("lodges a protest with Somalia")."""
    if token.lemma_.lower() != "protest":
        return False
    if token.dep_ == "dobj" and token.head.lemma_.lower() in ("lodge", "file", "register"):
        return True
    if (token.dep_ == "pobj" and token.head.lower_ == "in" and token.lower_ == "protest"
            and not any(c.dep_ in ("det", "amod", "compound") for c in token.children)):
        act = token.head.head  # the idiom "in protest"; "killed in violent protests" is one
    elif any(c.dep_ == "aux" and c.lower_ == "to" for c in token.children):
        act = token.head
    else:
        return False
    if act.lemma_.lower() in _GATHER_VERBS:
        return False
    doers = [c for c in act.children if c.dep_ in ("nsubj", "nsubjpass", "dobj")]
    doers += [c for d in doers for c in d.conjuncts] + [act]
    return not any(
        d.lemma_.lower() in _GATHERINGS or d.lower_ in _CROWDS
        or (d.lemma_.lower() == "strike" and any(c.lower_ == "general" for c in d.children))
        for d in doers)


def clash_with_protesters(token: Token) -> bool:
    """Clashes in which protesters are a side: "protesters clash with police", "clashes
    between security forces and Indigenous protesters", "clashes take place between
    protesters and security forces" (17 train and tune items, none labelled an attack: a
    protest met with force, labelling rule 9)."""
    if token.lemma_.lower() != "clash":
        return False
    sides = [c for c in token.children if c.dep_ in ("nsubj", "nsubjpass")]
    for anchor in (token, token.head):
        sides += [p for c in anchor.children if c.dep_ == "prep"
                  and c.lower_ in ("between", "with", "among") for p in c.children
                  if p.dep_ == "pobj"]
    return any(protesting(x) for side in sides for x in (side, *side.conjuncts))


# A hazard named as what a warning is about, or still to come, is an outlook (labelling
# rule 10: "Not: outlooks"): "hurricane warnings are issued in Jamaica", "winter storm
# alerts", "amidst the upcoming winter storm". Beside the adjectives that foretell any event
# (factuality's FORETOLD veto list: "upcoming", "planned", "potential"), a hazard has its own.
_WARNINGS = words("warnings")
_TO_COME = words("to_come")


def an_outlook(token: Token) -> bool:
    """The disaster word names the hazard of a warning or one still to come."""
    words = [token, *(c for c in token.children if c.dep_ == "compound")]
    if token.dep_ == "compound":
        head = token.head
        while head.dep_ == "compound":
            head = head.head
        if head.lemma_.lower() in _WARNINGS:
            return True
    to_come = any(c.dep_ == "amod" and (c.lower_ in _TO_COME or FORETOLD.fullmatch(c.text))
                  for w in words for c in w.children)
    return to_come or awaited(token) or forecast(token)


# A hazard whose clause only forecasts what it will do: "Tropical Cyclone Alfred is expected
# to make landfall on Thursday" (wcep-2025-03-03-00995 and -03-05-01023, neither labelled a
# disaster), "the storm is forecast to strengthen".
_FORECAST_VERBS = words("forecast_verbs")


def forecast(token: Token) -> bool:
    """The disaster word (or the name it heads) is the subject of a forecast, in a sentence
    that tells of no one harmed ("… is expected to bring floods, after it killed three
    people in Puerto Rico" reports the harm done)."""
    while token.dep_ == "compound":
        token = token.head  # "Tropical Storm Erin": the name's head
    return token.dep_ in ("nsubj", "nsubjpass") and (
        token.head.lemma_.lower() in _FORECAST_VERBS
        and any(c.dep_ == "xcomp" for c in token.head.children)
        and not HARM.search(token.sent.text))


# What is done "ahead of" a hazard, "in anticipation of" or "in preparation for" it, is done
# before it strikes: "145,000 people are evacuated ahead of Hurricane Melissa's potential
# impacts" (wcep-2025-10-25-04175, labelled displacement alone).
_AWAITING = {"of": words("awaiting_of"), "for": words("awaiting_for")}


def awaited(token: Token) -> bool:
    """The disaster word is what an act awaits ("ahead of Typhoon Fung-wong")."""
    for _ in range(6):
        if token.dep_ in ("compound", "poss", "amod", "nmod", "appos", "nummod"):
            token = token.head  # "Hurricane" of "Hurricane Melissa's potential impacts"
            continue
        if token.dep_ == "pobj":
            prep = token.head
            return prep.head.lower_ in _AWAITING.get(prep.lower_, ())
        return False
    return False


def in_a_name(token: Token) -> bool:
    """The trigger word is part of a proper name: capitalised inside a sentence that is not
    written in Title Case, and tagged a proper noun ("Forces for the Liberation of Rwanda",
    "Popular Resistance Committees"). A storm's name is the disaster itself ("Typhoon
    Kalmaegi"): the caller leaves disasters out."""
    if token.pos_ != "PROPN" or not token.text[:1].isupper() or token.i == token.sent.start:
        return False
    stem = token.text.rstrip("s")
    if len(stem) > 1 and stem.isupper():
        return False  # an acronym of the event word itself: "an IED attack"
    plain = [t for t in token.sent if t.pos_ in ("NOUN", "VERB", "ADJ", "ADV") and t.is_alpha
             and len(t) > 3 and t.i != token.sent.start]
    return bool(plain) and sum(t.text[0].isupper() for t in plain) < 0.5 * len(plain)


# A match's result: "beat the Dallas Stars 4-2"
_SCORE = re.compile(r"\b\d{1,3}[-–]\d{1,3}\b(?![-–]\d)")


def a_team_name(token: Token, sports: bool) -> bool:
    """A disaster word in the plural that ends a name of several words is a team's ("the
    Miami Hurricanes", "the Carolina Hurricanes"); a storm's name is singular ("Hurricane
    Melissa") or goes on with the storms' names ("Cyclones Idai and Kenneth"). In a sports
    story, or beside a score, a singular one is a team's too ("the Colorado Avalanche beat
    the Dallas Stars 4-2"); elsewhere it may name a wildfire ("the Eaton Fire")."""
    if not in_a_name(token) or token.i == token.sent.start:
        return False
    if not token.lower_.endswith("s") and not (sports or _SCORE.search(token.sent.text)):
        return False
    before = token.doc[token.i - 1]
    after = token.doc[token.i + 1] if token.i + 1 < len(token.doc) else None
    return before.text[:1].isupper() and not (after is not None and after.text[:1].isupper())


def of_objects(token: Token) -> list[Token]:
    """What ``token`` is "of": "Goma" of "the capture of Goma"."""
    return [p for c in token.children if c.dep_ == "prep" and c.lower_ == "of"
            for p in c.children if p.dep_ == "pobj"]


def victims(token: Token) -> frozenset[int]:
    """The words naming who was hurt, the subject of a passive verb of harm in the
    trigger's clause or one joined to it ("two judges are killed and a third is injured in a
    mass shooting", "two scientists are injured"): who the victims are is no sense of the
    words (no trial, no study)."""
    head = clause_head(token)
    verbs = [head, *(c for c in head.children if c.dep_ == "conj" and c.pos_ == "VERB")]
    if head.dep_ == "conj":  # "two judges are killed and a third is injured in …"
        verbs.append(head.head)
    return frozenset(
        t.i for verb in verbs if HARM.fullmatch(verb.text)
        and any(c.dep_ == "auxpass" for c in verb.children)
        for subject in verb.children if subject.dep_ == "nsubjpass"
        and token not in subject.subtree for t in subject.subtree
    )


_FANS = words("fans")


def without_crowds(token: Token, clause: str, skip: frozenset[int]) -> str:
    """The trigger's clause without the crowds in it: the fans a man stabs or a car ploughs
    into ("a group of football fans", "crowds of Liverpool F.C. fans celebrating their
    Premier League title") are who was hurt, not a sense of the word from sport."""
    crowds = frozenset(
        t.i for w in token.sent
        if w.lemma_.lower() in _FANS and token not in w.subtree for t in w.subtree
    )
    return SPATIAL.sub(" ", own_clause(token, skip | crowds)) if crowds else clause


def capture_of_nothing(token: Token) -> bool:
    """A capture noun with nothing captured, or a person's: "she evaded capture", "his
    capture" are a person's, not a town's ("the capture of Goma", "Goma's capture" name
    what was taken)."""
    if token.pos_ != "NOUN" or token.lemma_.lower() not in ("capture", "recapture", "seizure"):
        return False
    if any(c.dep_ == "poss" and c.lower_ in ("his", "her") for c in token.children):
        return True  # "his capture and extradition": a person is taken
    return not any(c.dep_ in ("poss", "compound") or (c.dep_ == "prep" and c.lower_ == "of")
                   for c in token.children)


def denied_by(token: Token) -> bool:
    """A verb of denial governs the trigger's clause: "the army denies [that rebels …]"."""
    head = clause_head(token)
    return any(
        a.lemma_.lower() in DENIAL_HEADS and a.pos_ in ("VERB", "AUX") for a in head.ancestors
    )


def answered(token: Token) -> bool:
    """The trigger names what another act answers: "attacks" in "jets strike Hodeidah in
    retaliation for missile attacks on Eilat"."""
    return any(a_motive(a) for a in token.ancestors)


def whole_clause(tok: Token) -> Token:
    """The head of the clause ``tok`` stands in, with the verbs it complements: "attack"
    in "militants who were trying to attack a checkpoint" is in the clause of "trying"."""
    head = clause_head(tok)
    while (head.dep_ in ("xcomp", "ccomp", "pcomp") and head.head is not head
           and head.head.pos_ in ("VERB", "AUX")):
        head = clause_head(head.head)
    return head
