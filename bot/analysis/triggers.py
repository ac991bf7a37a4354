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
from config import DATA_DIR


def _words(*alternatives: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(alternatives) + r")\b", re.IGNORECASE)


# Unrest beside a strike or a march: what makes it a protest (the "unrest" context below,
# and `strike_alone`).
_UNREST = (
    r"tear ?gas", r"clash\w*", r"arrest\w*", r"detain\w*", r"riot\w*", r"water cannon",
    r"rubber bullets", r"dispers\w+", r"police", r"violen\w+", r"injur\w+", r"protest\w*",
    r"demonstrat\w+", r"marched", r"picket\w*", r"barricades?",
)
# Context classes: a trigger that names one in `needs` fires only when the sentence
# (or, for "armed", the sentence before it) contains a match.
CONTEXT: dict[str, re.Pattern[str]] = {
    "armed": _words(
        r"troops?", r"soldiers?", r"(?:security |armed |government |rebel |coalition )?forces",
        r"army", r"militants?", r"rebels?", r"insurgen\w+", r"fighters", r"militias?",
        r"militiam[ae]n", r"gunm[ae]n", r"jihadis?t?s?", r"extremists?", r"terroris\w+",
        r"guerrillas?", r"paramilitar\w+", r"military", r"warplanes?", r"jets?", r"drones?",
        r"tanks", r"artillery", r"mortars?", r"rockets?", r"missiles?", r"grenades?",
        r"bombs?", r"bombers?", r"explosives?", r"gunfire", r"guns?", r"weapons", r"armed",
        r"shot", r"shooting", r"shelling", r"snipers?", r"navy", r"air force", r"commandos?",
        r"battalions?", r"brigades?", r"offensive", r"gangs?", r"gangsters?", r"bandits?",
        r"cartels?", r"armed groups?", r"raiders",
    ),
    "civilian": _words(
        r"civilians?", r"children", r"child", r"women", r"villagers", r"residents", r"worshipp?ers",
        r"passengers", r"students", r"pupils", r"farmers?", r"employees?", r"aid workers?",
        r"journalists?", r"refugees", r"families", r"family members", r"unarmed",
        r"non-?combatants",
        r"no combat role", r"m[ae]n", r"wom[ae]n", r"boys?", r"girls?", r"teachers?",
        r"doctors?", r"nurses?", r"patients", r"shoppers", r"pilgrims", r"protesters",
        r"demonstrators", r"bystanders", r"elderly", r"babies", r"infants", r"teenagers?",
        r"supporters", r"marchers", r"mourners", r"crowds?", r"vendors",
    ),
    "people": _words(
        r"people", r"civilians", r"residents", r"families", r"villagers", r"thousands",
        r"hundreds", r"tens of thousands", r"millions?", r"refugees", r"inhabitants", r"citizens",
        r"population", r"households", r"persons", r"migrants", r"children", r"women",
        # a head count, not a share, a sum, a distance, a span of time or a year
        r"(?<![$€£])(?!(?:19|20)\d\d\b)\d[\d,.]*(?:\s*(?:million|thousand))?"
        r"(?!\s*(?:%|percent|per cent|km|kilomet|miles?\b|met(?:er|re)s?\b|kg|tonnes?|tons?\b|"
        r"degrees|years?\b|months?\b|weeks?\b|days?\b|hours?\b|minutes?\b|dollars|euros))",
        r"dozens", r"scores", r"many",
    ),
    "refugee": _words(
        r"refugees?", r"asylum", r"asylum[- ]seekers?", r"resettle\w*", r"deport\w*",
        r"repatriat\w*", r"migrants?", r"humanitarian visas?", r"refugee camps?",
        r"displaced (?:people|persons)", r"illegal(?:ly)? (?:immigrants?|living)", r"expel\w*",
        r"special immigrant visas?", r"new arrivals", r"(?:those|people) fleeing",
    ),
    "policy": _words(
        r"announc\w+", r"order(?:ed|s)?", r"decid\w+", r"decision", r"approv\w+", r"resum\w+",
        r"suspend\w*", r"halt\w*", r"clos(?:e|ed|es|ing|ure)", r"shut", r"take in", r"took in",
        r"taking in", r"accept\w*", r"admit\w*", r"grant\w*", r"reject\w*", r"cap(?:s|ped)?",
        r"limit\w*", r"ban(?:s|ned)?", r"deport(?:ed|s|ing|ees?)?", r"expel\w*", r"introduc\w+",
        r"adopt\w+", r"passed", r"signed", r"extend\w*", r"lift\w*", r"impos\w+", r"launch\w*",
        r"pledg\w+", r"agreed", r"scrap\w*", r"end(?:ed|s)", r"moratorium", r"quotas?",
        r"polic(?:y|ies)", r"law", r"rules?", r"programs?", r"programmes?", r"provide",
        r"offer\w*", r"evacuat\w+", r"enforc\w+", r"require\w*", r"sent back",
    ),
    # What a truce does: agreed, approved, in effect, collapsing. Neither the noun
    # "agreement" (a truce named in passing: "under the ceasefire agreement") nor its
    # violation (strain, not collapse: 8 of 9 such train/tune items carry no ceasefire).
    "agreement": _words(
        r"agree(?:d|s|ing)?", r"reach\w*", r"sign\w*", r"announc\w+", r"declar\w+",
        r"broker\w*", r"approv\w+", r"took effect", r"takes? effect", r"taking effect",
        r"(?:go|goes|going|went|come|comes|coming|came) into (?:effect|force)", r"in effect",
        r"collaps\w+", r"broke down", r"breaks? down", r"strengthen\w*", r"extend\w*",
        r"accept\w*", r"end(?:ed)? (?:all |the )?hostilities", r"held", r"holding",
        r"began", r"begins", r"observ\w+", r"implement\w*", r"unravell?\w*", r"shattered",
    ),
    "unrest": _words(*_UNREST),
    # what a march is for: a grievance ("demanding …", "against …"), not a parade or a race
    "grievance": _words(
        r"demand\w*", r"against", r"call(?:s|ed|ing)? for", r"in support of",
        r"in solidarity with", r"denounc\w*", r"condemn\w*", r"chant\w*", r"slogans",
        r"justice",
    ),
    "damage": _words(
        r"kill\w*", r"dead", r"deaths?", r"died", r"injur\w+", r"destroy\w*", r"damag\w+",
        r"flatten\w*", r"collaps\w+", r"swept", r"homeless", r"evacuat\w+", r"displac\w+",
        r"toll", r"victims", r"missing", r"rescue\w*", r"battered", r"devastat\w+", r"hit",
        r"struck", r"ravag\w+", r"submerg\w+", r"inundat\w+", r"burn\w*", r"relief",
    ),
    "violence": _words(
        r"attack\w*", r"strikes?", r"raids?", r"shell\w*", r"bomb\w*", r"gunm[ae]n", r"mobs?",
        r"militants?", r"rebels?", r"insurgents?", r"troops", r"soldiers", r"forces", r"police",
        r"militias?", r"fighters", r"armed", r"shot", r"shooting", r"gunfire", r"stabb\w+",
        r"beat(?:en|ing)?", r"massacr\w+", r"violence", r"offensive", r"fighting", r"war",
        r"combat\w*", r"executed", r"murder\w*", r"assassinat\w+", r"terror\w*", r"missiles?",
        r"rockets?", r"drones?", r"artillery", r"grenades?", r"explosives?", r"gangs?",
        r"kidnap\w*", r"hostages?", r"torture\w*", r"lynch\w*", r"crackdown", r"genocide",
        r"opened fire", r"fired on", r"blasts?", r"explosions?",
    ),
    "foreigners": re.compile(
        r"\b(?:refugees?|migrants?|undocumented|foreigners|foreign nationals|asylum|registration|"
        r"residency|permits?|visas?|[A-Z][a-z]+(?:ans|ians|is|ese|ns))\b"
    ),
    "place_object": re.compile(
        r"\b(?:town|city|village|district|province|region|territory|capital|base|airport|port|"
        r"border crossing|area|areas|stronghold|county|valley|hill|garrison|headquarters|"
        r"neighbou?rhoods?|suburbs?|oblast|state|island|municipality|outpost|camp)\b|"
        # a capitalised word: a place name, checked later; not a nationality or a compound
        # adjective that only describes what was seized ("the Polish-flagged Marinette",
        # "the Chinese-owned manufacturer", "19 Afghan border posts")
        r"(?:\b(?![A-Z][a-z]+(?:an|ian|ish|ese|i)\b)[A-Z][\w'’]+(?![\w'’]*-[a-z]))",
    ),
}


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

# Phrases whose words look like triggers but are not events. A trigger hit that overlaps
# one of these is dropped.
FALSE_FRIENDS: re.Pattern[str] = re.compile(
    r"\b(?:"
    r"attack (?:submarines?|helicopters?|aircraft|dogs?|ads?|advertising)|"
    r"(?:heart|panic|asthma|cyber|verbal|personal|ad hominem|anxiety|shark|dog) ?attacks?|"
    r"attacking (?:midfielder|player|football|play|third|half)|"
    r"riot (?:police|gear|squad|shields?|control|act|officers?|units?)|"
    # Inmates rioting inside a prison protest nothing in the streets (WCEP-2025 train and
    # tune: 3 of 4 "prison riot" items carry no protest, e.g. wcep-2025-02-03-00582 and
    # wcep-2025-11-09-04390).
    r"(?:prison|jail) riots?|"
    r"landslide (?:victory|win|election|majority|defeat|re-?election|vote)|"
    r"\b(?:won|wins?|winning|re-?elected)\b[^.]{0,50}?\blandslide|"
    r"(?:elected|passed|approved|carried|defeated|beaten|backed|voted \w+) by a landslide|"
    r"(?:won|win|wins|winning|claims?|claimed|secures?|secured|swept to) (?:by |in )?(?:an? )?"
    r"(?:\w+ )?landslide|landslide (?:in|at) (?:the |\w+ )*(?:polls?|elections?|votes?)|"
    r"(?:took|taken|taking|take|takes|gain(?:ed|ing|s)?|seiz(?:e|ed|es|ing)|won|wins?|winning|"
    r"retain(?:ed|s)?|keep(?:s)?|kept) (?:full |overall )?control of (?:\w+ ){0,5}?(?:councils?|"
    r"parliament|senate|congress|assembly|house|chamber|governments?|governorships?|"
    r"municipalities|mayoralt\w+|boards?|company|firm|party|legislatures?|majority|seats|"
    r"cit(?:y|ies) halls?|regions? (?:and|in) )|"
    r"flood(?:ed|ing|s)? (?:of|with)|flood(?:ed|ing)? the market|"
    r"(?:political|electoral|diplomatic|media|financial) (?:earthquakes?|storms?|firestorms?)|"
    r"storms? of (?:criticism|protest|controversy)|"
    r"(?:bomb|mine) (?:squad|disposal|threat|scare)|water[- ]?bomb\w*|"
    r"captur(?:ed?|ing) (?:on|the) (?:camera|video|film|imagination|attention|hearts?|market|"
    r"share|title|trophy|crown|gold|record|award|championship|moment|mood)|"
    r"(?:carbon|data|motion|screen) capture|"
    r"(?:hostile|corporate) takeover|"
    # Seizing power (a coup), goods or a vessel is not taking a place: in WCEP-2025 train
    # and tune, 2 of 2 "seize power" and 6 of 7 "seize a ship / weapons …" items are no capture.
    r"seiz(?:e|ed|es|ing|ure of) (?:power|(?:the |a |an )?(?:[\w-]+ ){0,4}?(?:vessels?|ships?|"
    r"tankers?|boats?|aircraft|planes?|drugs|cocaine|weapons|assets|shipments?|cargo))\b|"
    # Capturing people, counted goods or loot is not taking a place (WCEP-2025 train and
    # tune: 0 of 4, 0 of 8 and 1 of 5 such items are labelled capture).
    r"captur(?:e|ed|es|ing) (?!by\b)(?:of )?(?:the |a |an )?(?:[\w'-]+ ){0,3}?(?:leaders?|"
    r"commanders?|chiefs?|suspects?|fugitives?|boss|members?|militants?|fighters|soldiers|"
    r"hostages?|prisoners?|gunm[ae]n)\b(?!\s+(?:positions?|bases?|strongholds?|camps?|"
    r"posts?|territory|areas?))|"
    r"seiz(?:e|ed|es|ing) (?:over |more than |about |some |nearly )?\d[\d,.]* \w+|"
    r"seiz(?:e|ed|es|ing|ure of) (?:the |a |an )?(?:[\w-]+ ){0,3}?(?:ammunition|cash|"
    r"equipment|documents|goods|property|paintings|artworks?|vehicles|devices|terminals)\b|"
    r"fire (?:sale|alarm|drill|department|brigade|fighters?|service|station|escape)|"
    r"protest votes?|marching (?:band|orders)|hunger strikes?|"
    r"strike (?:price|zone|rate)|lucky strike|(?:first|pre-?emptive) strike capability|"
    r"peace (?:prize|talks|process|negotiations|conference|envoy|summit|corps|keeping|keepers?)|"
    r"peacekeep\w+|"
    r"(?:norwegian|danish|international) refugee (?:council|committee)|refugees? international|"
    r"refugee (?:agency|council|commission(?:er)?)|"
    r"(?:shares?|stocks?|prices?|index|markets?|profits?|sales) (?:fell|fall|plunged|crashed|"
    r"tumbled|collapsed|soared)|"
    r"brain ?storm\w*|fire(?:d|s)? (?:the|his|her|their) (?:coach|manager|ceo|chief|staff)|"
    r"took (?:control of )?(?:the )?(?:lead|stage|office|power|charge|part|place|time)|"
    r"t(?:ook|ake|akes|aking|aken) effect|"
    r"t(?:ook|ake|akes|aking|aken) (?:\w+ )?(?:to (?:a |the )?(?:hospital|health cent(?:re|er)|"
    r"clinic|police station|court)|into custody|hostage|prisoner|captive)|"
    r"take (?:part|place|office|time|care|charge|the lead)|taken (?:place|part|care|office)|"
    r"seiz(?:e|ed|ing) (?:the )?(?:opportunity|moment|initiative|chance|drugs|cocaine|heroin|"
    r"assets|property|documents|weapons|arms|cargo|shipment|goods)|"
    r"evacuation (?:drills?|plans?|routes?|orders? (?:were|was) lifted)|"
    r"fled (?:the scene|custody|prison|jail)|"
    r"(?:emotional|grief|mental|moral) (?:toll|collapse)|"
    r"economic (?:collapse|crisis|storm|earthquake)|collapse of (?:the )?(?:economy|talks|deal|"
    r"government|company|bank)|"
    r"(?:shows?|demonstrated|demonstrates|demonstrating) (?:that|how|its|their|his|her)|"
    r"demonstrat\w+ (?:of|the) (?:product|technology|software|capabilit\w+)|"
    r"(?:photo|video|film|music|the|a) shoot|"
    r"(?:tear|teargas) ducts?|"
    r"quake[- ]proof|earthquake[- ](?:resistant|proof|drill|preparedness|insurance)|"
    r"volcanic (?:earthquakes?|quakes?)|"
    # "displaced" naming who was hit or helped, not a flight: in WCEP-2025 train and tune,
    # 10 of 10 sentences with "a displaced family", "a displaced persons camp", "the
    # displaced population" and no verb of flight carry no displacement.
    r"(?:[\w]+-)?displaced (?:civilian |Palestinian )?(?:persons?|people|famil(?:y|ies)|"
    r"civilians?|Palestinians|residents|children|women|shelters?|communities|populations?|"
    r"households|(?:persons? |people'?s? )?camps?)(?! (?:are|were|have|has|had|flee|fled)\b)"
    r")\b",
    re.IGNORECASE,
)

DETONATION = _words(
    r"explod\w+", r"went off", r"detonat\w+", r"placed", r"planted", r"kill\w*", r"wound\w*",
    r"injur\w+", r"blasts?", r"explosions?", r"blew up", r"ripped through", r"tore through",
    r"dropped",
)
DEFUSED = _words(
    r"defus\w+", r"deactivat\w+", r"disarm\w+", r"disabl\w+", r"found", r"discovered",
    r"controlled explosion", r"set to explode", r"timed to explode", r"was to explode",
    r"failed to explode", r"hoax", r"threats?", r"scare",
)

CONTEXT["detonation"] = DETONATION

# Words marking a sentence about sport or business: triggers there are rarely events.
def _veto_list(name: str) -> re.Pattern[str]:
    with open(DATA_DIR / "vetoes.json", encoding="utf-8") as f:
        entries = json.load(f)[name]["entries"]
    return _words(*(e["pattern"] for e in entries))


SPORTS = _veto_list("sports")  # config/data/vetoes.json: a match's "attack"
BUSINESS = _veto_list("business")  # markets' "disaster", a company's "capture"



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
    # the base" is an attack and a capture.
    return [
        h for h, start, end in found
        if not any(
            o.trigger.type != h.trigger.type
            and {o.trigger.type, h.trigger.type} != _BOTH_AT_ONCE
            and o_start <= start and end <= o_end and o_end - o_start > end - start
            for o, o_start, o_end in found
        )
    ]


_BOTH_AT_ONCE = frozenset({"attack", "capture"})


_PREFILTER = Prefilter([t.pattern for t in TRIGGERS])


# A labour strike whose only unrest word is the protest it is for ("air traffic controllers
# go on strike to protest understaffing", "a hunger strike to protest his trial", "limiting
# the right to strike … as a method of protest"): labelling rule 8 leaves a peaceful strike
# alone unlabelled. A general strike is a mass action, and unrest, a crowd or deaths beside
# the strike make it a protest (the four train/tune sentences that are a strike alone are
# none of them labelled a protest; "a general strike to protest pension reform" is).
_WALKOUT = _words(r"strik(?:e|es|ing)")
_NOT_ALONE = _words(
    r"(?:general|national|nationwide|country-?wide) strikes?",
    r"(?:air|drone|missile|rocket|artillery|military|naval|retaliatory) ?strikes?",
    *(w for w in _UNREST if w != r"protest\w*"),  # the protest word itself is not unrest
    r"killed", r"dead", r"died", r"march\w*", r"rall(?:y|ies|ied)", r"gather\w*",
    r"barricad\w+", r"block\w*", r"occup\w+", r"sit-ins?", r"crowds?", r"thousands",
    r"hundreds", r"millions?", r"people", r"manifest\w*",
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
_MORE_THAN_A_CRIME = re.compile(
    r"(?i)\b(?:mass|spree|rampage|ram(?:s|med|ming)?|protest\w*|demonstrat\w+|rall(?:y|ies))\b")
_CRIME_ARMS = frozenset({"shot", "shooting", "gunfire", "gun", "guns", "weapons", "armed"})


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
