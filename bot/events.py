"""From an article to its headline events: typed, located, scored.

Two passes. The trigger lexicon (`bot.triggers`) marks candidate sentences cheaply; only
those are parsed by spaCy, whose dependency tree tells a reported event from a
hypothetical, denied, prevented or presupposed one, and which place names in the
sentence are where it happened (not the nationality of an actor, not a border nearby).
"""

from __future__ import annotations

import re
import string
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING, Any

from bot.casualties import extract_casualties, extract_people_count
from bot.models import EVENT_TYPES, Article, Casualties, Event, Place, severity_rank
from bot.places import Gazetteer, Mention, get_gazetteer
from bot.regions import ancestors
from bot.text import Sentence, normalise_name, normalise_paragraphs, split_sentences
from bot.triggers import (
    BUSINESS,
    SPORTS,
    TriggerHit,
    find_triggers,
    is_trigger_word,
    may_hold_event,
)

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Token

# --- words that steer the parse-based checks -------------------------------------------

MODALS = {"could", "might", "may", "should", "must", "would", "will", "shall", "can", "'ll", "wo"}
FUTURE_OK_TYPES = {"refugee_policy", "ceasefire"}  # announced policies and deals count
HYPOTHETICAL_HEADS = {
    "threaten", "warn", "fear", "plan", "prepare", "try", "attempt", "expect", "intend", "vow",
    "aim", "want", "consider", "propose", "urge", "demand", "risk", "predict", "forecast",
    "hope", "wish", "decide", "mull", "weigh", "contemplate", "discuss", "debate", "seek",
    "call", "ask", "need", "likely", "possible", "potential", "poised", "set", "prepared",
    "able", "ready", "about", "prospect", "threat", "danger", "fears", "concern", "concerns",
    "scenario", "chance", "if", "whether", "unless", "pledge", "promise", "study", "drill",
    "exercise", "simulation", "rehearse", "proposal", "proposals", "bill", "draft",
}
NON_GOVERNMENT = re.compile(
    r"\b(?:opposition|activists?|campaigners?|rights groups?|NGOs?|charit(?:y|ies)|critics|"
    r"lawmakers from|candidates?|protesters)\b",
    re.IGNORECASE,
)
ATTEMPT_HEADS = {"try", "attempt", "seek", "aim", "set", "able", "ready", "about"}
FUTURE_OK_HEADS = {  # announcing what will be done is the event for these types
    "refugee_policy": {"decide", "plan", "pledge", "promise", "vow", "agree", "announce",
                       "prepare", "set", "intend", "call"},
    "ceasefire": {"agree", "announce", "declare", "sign", "decide"},
}
PREVENTION_HEADS = {"prevent", "stop", "avert", "foil", "thwart", "block", "deter", "avoid",
                    "repel", "repulse", "halt", "cease", "end", "suspend", "pause"}
DENIAL_HEADS = {"deny", "refute", "dismiss", "reject", "disprove", "fail", "refuse",
                "decline"}  # "failed to sign a peace agreement"
REPORTING_HEADS = {"say", "report", "tell", "announce", "claim", "accuse", "confirm", "state",
                   "add", "allege", "according", "quote", "note", "insist", "acknowledge",
                   "admit", "describe", "show", "cite"}
ACTOR_NOUNS = {
    "official", "officials", "government", "governments", "force", "forces", "troop", "troops",
    "soldier", "soldiers", "army", "military", "president", "minister", "ministry", "police",
    "embassy", "embassies", "ambassador", "spokesman", "spokeswoman", "spokesperson",
    "authorities", "authority", "citizen", "citizens", "media", "agency", "leader", "leaders",
    "navy", "jet", "jets", "warplane", "warplanes", "militant", "militants", "rebel", "rebels",
    "gunman", "gunmen", "fighter", "fighters", "commander", "commanders", "counterpart",
    "delegation", "diplomat", "diplomats", "envoy", "cabinet", "parliament", "court",
    "department", "office", "administration", "premier", "king", "state", "side", "team",
    "national", "nationals", "people", "scientists", "seismologists", "experts", "analysts",
    "sources", "officer", "officers", "coalition", "alliance", "regime", "junta",
    "helicopters", "helicopter", "aircraft", "drone", "drones", "army's", "interests",
    "section", "mission", "missions", "group", "movement", "party", "faction", "newspaper",
    "channel", "television", "radio", "agency's", "foreign", "prime", "secretary",
    "ambassadors", "counterparts", "nationalists", "doctor", "employee", "worker", "workers",
}
NEAR_BEFORE = re.compile(
    r"(?:\bnear|\bnearby|\bclose to|\bborder with|\bbordering|\bborders|\baway from|\bfrom"
    r"(?= the border)|\b(?:north|south|east|west|northeast|northwest|southeast|southwest)"
    r"(?:ern)?(?:-\w+)? of|\b(?:km|kilometers|kilometres|miles)\s+(?:\w+\s+)?(?:of|from)|"
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
HISTORY = re.compile(
    r"\b(?:anniversary|anniversaries|commemorat\w+|memorial|remember\w*|years ago|decades ago|"
    r"century|centuries|world war|second world war|first world war|cold war|during (?:his|her|"
    r"the|their) [\w\s-]{0,20}(?:rule|reign|regime|dictatorship|era|war)|trials?|tribunal|"
    r"indict\w+|convict\w+|sentenced|verdict|acquitt\w+|historic(?:al)?ly|history of|"
    r"in the past|since (?:its|their) founding|recall\w*|was founded|"
    r"\d+ years (?:since|after)|mark(?:s|ed|ing)? (?:the )?\w+ (?:years|anniversary)|"
    r"(?:has|have|had) been \w+ since|"
    r"since then|since the (?:coup|war|conflict|start|beginning|invasion|uprising|revolution|"
    r"outbreak|insurgency))\b",
    re.IGNORECASE,
)
HABITUAL = re.compile(
    r"\b(?:often|usually|frequently|regularly|routinely|typically|tends? to|has a history|"
    r"known to|tactics?|generally|commonly|sometimes|occasionally|traditionally|"
    r"(?:has|have|had) seen (?:a |an )?(?:\w+ )?(?:rise|surge|spate|wave|series|string|"
    r"increase|upsurge) (?:in|of)|"
    r"in recent years|over the years|for (?:years|decades)|repeatedly)\b",
    re.IGNORECASE,
)
TIME_ANCHOR = re.compile(
    r"\b(?:today|tonight|yesterday|this (?:morning|afternoon|evening|week|weekend)|last "
    r"(?:night|week|weekend|month)|(?:on |early |late |since |last )?(?:monday|tuesday|wednesday|"
    r"thursday|friday|saturday|sunday)(?:'s)?|overnight|hours? (?:ago|after|later|earlier)|"
    r"days? ago|earlier this|on the \d+(?:st|nd|rd|th)|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|"
    r"oct|nov|dec)[a-z]*\.? \d{1,2}\b|\d{1,2} (?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|"
    r"dec)[a-z]*|past (?:\d+|few|several|two|three) (?:days|weeks)|since early|recent)",
    re.IGNORECASE,
)
CAMP_POLICY = re.compile(
    r"\b(?:clos\w+|shut\w*|relocat\w+|demolish\w*|dismantl\w+|evict\w*|take in|took in|"
    r"taking in|resettl\w+|admit\w*|accept\w*|deport\w*|expel\w*|quota|cap|ban\w*|"
    r"suspend\w*|resum\w+|ordered|announc\w+|decid\w+|asylum|deadline|leave the country)\b",
    re.IGNORECASE,
)
RETURNS = re.compile(
    r"\b(?:return(?:ed|ing|s|ees)?|walk(?:ed|ing)? back|went back|go(?:ing)? back|"
    r"head(?:ed|ing)? (?:back|home)|repatriat\w+|came back|coming back|crossed back|"
    r"go home|went home|going home|back home)\b",
    re.IGNORECASE,
)
ANAPHORA = re.compile(
    r"\b(?:the|that) (?:town|city|village|area|district|province|region|camp|settlement)\b"
    r"(?! of\b)|\bthere\b",
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
DENIED_TITLE = re.compile(
    r"\b(?:den(?:y|ies|ied)|dismiss(?:es|ed)|rejects? (?:claims?|reports?)|refutes?|false "
    r"claims?|fake)\b",
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
LAST_YEAR = re.compile(r"\b(?:last|previous) year\b|\b(?:two|three|several|\d+) years ago\b",
                       re.IGNORECASE)
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december")
SIMULATION = re.compile(
    r"\b(?:mock|simulated|simulation|drills?|exercises?|war ?games?|rehearsals?|training "
    r"(?:mission|operation))\b",
    re.IGNORECASE,
)
RETROSPECTIVE = re.compile(  # titles and leads of stories about the past, not news of it
    r"\b(?:trials?|tribunal|anniversary|commemorat\w+|memorial|documentary|film|movie|book|"
    r"novel|exhibition|museum|festival|prize|award|remember\w*|years (?:after|since|on)|"
    r"retrospective|history|review|study|studies|research\w*|scientists?|forecast\w*|"
    r"photographs|photos|pictures|on show|on display|"
    r"convict\w*|sentenc\w+|verdict|acquit\w*|court|judges?|"
    r"predict\w*|outlook|projections?|models? (?:show|suggest))\b",
    re.IGNORECASE,
)
SINCE_YEAR = re.compile(  # "the worst floods since 1950" dates a comparison, not the event
    r"\b(?:worst|deadliest|largest|biggest|strongest|heaviest|highest|first|most|record|"
    r"unprecedented|never)\b[^.]{0,60}\b(?:since|in)\s+(?:at least\s+)?$",
    re.IGNORECASE,
)
STRONG_ARMED = re.compile(
    r"\b(?:bombs?|bombing|rockets?|missiles?|gunm[ae]n|militants|rebels|insurgents|troops|"
    r"soldiers|shelling|air ?strikes?|explosives?|artillery)\b",
    re.IGNORECASE,
)
PLACE_NOUNS = {
    "town", "towns", "city", "cities", "village", "villages", "capital", "capitals", "province",
    "provinces", "district", "districts", "region", "regions", "area", "areas", "camp", "camps",
    "base", "airport", "port", "suburb", "suburbs", "neighborhood", "neighbourhood", "state",
    "county", "island", "islands", "valley", "oblast", "territory", "stronghold", "outskirts",
    "centre", "center", "streets", "street", "part", "parts", "zone", "hub", "municipality",
    "settlement", "enclave", "governorate", "prefecture", "coast", "border",
    "crossing", "strip", "refugee", "home", "homes", "heartland", "countryside", "shore",
}
LOCATIVE_PREPS = {
    "in", "at", "on", "into", "onto", "across", "around", "outside", "inside", "throughout",
    "within", "over", "to", "toward", "towards", "from", "against", "along", "through",
    "upon", "between", "beyond", "off", "of",
}
TARGET_VERBS = {
    "attack", "hit", "strike", "shell", "bomb", "capture", "seize", "take", "overrun", "storm",
    "raid", "besiege", "flood", "shake", "rock", "devastate", "ravage", "destroy", "evacuate",
    "flee", "leave", "enter", "invade", "retake", "recapture", "liberate", "control", "occupy",
    "target", "pound", "bombard", "encircle", "surround", "inundate", "swamp", "submerge",
    "batter", "lash", "sweep", "engulf", "reach", "cross", "ambush", "assault", "affect",
    "cover",
}
PLACE_SUBJECT_VERBS = {"fall", "flood", "burn", "collapse", "shake", "tremble", "suffer"}
KIND_ORDER = {
"city": 0, "area": 1, "admin1": 2, "country": 3, "region": 4}


@dataclass(slots=True)
class _Located:
    """Place mentions of one sentence, split by the role they play."""

    locations: list[Place] = field(default_factory=list)
    actors: list[Place] = field(default_factory=list)  # a government or speaker: "Kenya said"
    nationalities: list[Place] = field(default_factory=list)  # demonyms: "Afghan refugees"
    agents: list[Place] = field(default_factory=list)  # "hosted by Qatar"


@dataclass(slots=True)
class Candidate:
    """One trigger in one sentence that passed every check."""

    type: str
    strength: float
    sentence: Sentence
    hit: TriggerHit
    places: list[Place]
    places_inferred: bool  # taken from neighbouring sentences or the article
    places_fallback: bool  # only the article's main place or country: the weakest guess
    headline: bool
    token: Token
    casualties: Casualties | None
    people: int | None
    anchored: bool  # a time, a number or a specific place makes it concrete
    alleged: bool


@dataclass(slots=True)
class _Context:
    """Article-wide facts used while judging sentences."""

    published: date | None
    reference_year: int | None
    dominant_country: str | None
    primary: Place | None
    sports: bool
    business: bool
    mentions_by_sentence: dict[int, list[Mention]]
    docs: dict[int, Doc] = field(default_factory=dict)  # parsed sentences by index
    retrospective: bool = False  # a trial, an anniversary, a film: the past, not news
    retrospective_title: bool = False  # …and the title says so
    denial_title: bool = False  # "Army denies rebels seized Batibo"
    returns_title: bool = False  # "Returnees rebuild in …"
    simulation: bool = False  # drills and exercises


class EventExtractor:
    """Finds the events of articles. Create once; models and indexes load lazily once."""

    def __init__(
        self,
        gazetteer: Gazetteer | None = None,
        nlp: Language | None = None,
        min_confidence: float = 0.5,
    ) -> None:
        self._gazetteer = gazetteer
        self._nlp = nlp
        self.min_confidence = min_confidence
        self.timings: Counter[str] = Counter()

    @property
    def gazetteer(self) -> Gazetteer:
        if self._gazetteer is None:
            self._gazetteer = get_gazetteer()
        return self._gazetteer

    @property
    def nlp(self) -> Language:
        if self._nlp is None:
            from bot.nlp import get_nlp

            self._nlp = get_nlp()
        return self._nlp

    # -- public ------------------------------------------------------------------------

    def extract(self, article: Article) -> list[Event]:
        """The events an alert should carry, strongest first; [] when there are none."""
        title = " ".join(article.title.split())
        if title.isupper():
            title = string.capwords(title)  # "ERITREA DENIES …": names need their case
        article = replace(article, text=normalise_paragraphs(article.text), title=title)
        start = time.perf_counter()
        sentences = self._sentences(article)
        context = self._context(article, sentences)
        placed = time.perf_counter()
        candidates = self._candidates(sentences, context)
        if context.retrospective_title and not any(c.sentence.paragraph == -1 for c in candidates):
            candidates = []  # a review, study or anniversary whose own headline reports nothing
        events = self._group(candidates, context)
        self.timings["places"] += placed - start
        self.timings["triggers+parse"] += time.perf_counter() - placed
        return events

    # -- sentences and context ---------------------------------------------------------

    @staticmethod
    def _sentences(article: Article) -> list[Sentence]:
        # Title pieces keep offsets into the title (paragraph -1); a semicolon or a colon
        # joins separate headlines: "Militants seize X; thousands flee toward Y".
        out: list[Sentence] = []
        for m in re.finditer(r"[^;:|]+", article.title):
            piece = m.group(0)
            if piece.strip():
                lead = len(piece) - len(piece.lstrip())
                start = m.start() + lead
                out.append(Sentence(piece.strip(), start, start + len(piece.strip()), -1))
        out.extend(split_sentences(article.text))
        return out

    def _context(self, article: Article, sentences: list[Sentence]) -> _Context:
        gaz = self.gazetteer
        title_mentions = gaz.find_mentions(article.title) if article.title else []
        body_mentions = gaz.find_mentions(article.text)
        resolved = gaz.resolve(body_mentions, title_mentions=title_mentions)
        # "Tsunami toll passes 80,000": a word that names the event is not also a place
        resolved = [m for m in resolved if not is_trigger_word(m.text)]
        for m in (*resolved, *title_mentions):
            self._as_nationality(m, article.text if m in resolved else article.title)
        title_resolved = [
            m for m in title_mentions if m.place is not None and not is_trigger_word(m.text)
        ]
        for m in (*resolved, *title_resolved):
            if m.place is not None and m.place.kind == "city" and m.cue in (None, "prep"):
                # the article's own spelling: "Hpakant", not the gazetteer's "Hpakan"
                m.place = replace(m.place, name=" ".join(m.text.split()))

        by_sentence: dict[int, list[Mention]] = defaultdict(list)
        for in_title, mentions in ((True, title_resolved), (False, resolved)):
            index = [(i, s) for i, s in enumerate(sentences) if (s.paragraph == -1) == in_title]
            j = 0
            for m in sorted((m for m in mentions if m.place is not None), key=lambda m: m.start):
                while j < len(index) and index[j][1].end <= m.start:
                    j += 1
                if j < len(index) and index[j][1].start <= m.start:
                    by_sentence[index[j][0]].append(m)

        # Dominant country: where the title and lead place things, by weight.
        weights: Counter[str] = Counter()
        for i, s in enumerate(sentences):
            w = 3.0 if s.paragraph == -1 else 2.0 if s.paragraph < 2 else 1.0
            for m in by_sentence.get(i, []):
                if m.place and m.place.country:
                    after = s.text[m.end - s.start : m.end - s.start + 40]
                    actorish = m.demonym or bool(ACTOR_AFTER.search(after))
                    weights[m.place.country] += w * (0.4 if actorish else 1.0)
        dominant = weights.most_common(1)[0][0] if weights else None

        found: dict[str, Place] = {}
        for i, s in enumerate(sentences):
            text = article.title if s.paragraph == -1 else article.text
            extra = _pattern_mentions(text, s, by_sentence[i], dominant)
            if extra:
                by_sentence[i] = sorted([*by_sentence.get(i, []), *extra], key=lambda m: m.start)
                found.update((m.text, m.place) for m in extra if m.place is not None)
        if found:
            # Once "the town of Um Kadada" is named, a bare "Um Kadada" elsewhere is it too.
            names = re.compile(
                r"(?<![\w-])(" + "|".join(re.escape(n) for n in sorted(found, key=len,
                                                                    reverse=True)) + r")(?![\w-])"
            )
            for i, s in enumerate(sentences):
                text = article.title if s.paragraph == -1 else article.text
                have = [(m.start, m.end) for m in by_sentence.get(i, [])]
                extra = []
                for m in names.finditer(text, s.start, s.end):
                    if any(a < m.end() and m.start() < b for a, b in have):
                        continue
                    mention = Mention(m.start(), m.end(), m.group(1), [found[m.group(1)]])
                    mention.place = found[m.group(1)]
                    extra.append(mention)
                if extra:
                    by_sentence[i] = sorted([*by_sentence.get(i, []), *extra],
                                            key=lambda m: m.start)
        primary = self._primary_place(sentences, by_sentence, dominant)
        text = f"{article.title}\n{article.text}"
        lead = " ".join(s.text for s in sentences[:2])
        retrospective = bool(RETROSPECTIVE.search(article.title) or RETROSPECTIVE.search(lead))
        ctx_flags = {
            "denial_title": bool(DENIED_TITLE.search(article.title)),
            "returns_title": bool(RETURNS.search(article.title)),
        }
        sports = len({m.group(0).lower() for m in SPORTS.finditer(text)}) >= 3
        business = len({m.group(0).lower() for m in BUSINESS.finditer(text)}) >= 3
        years = [int(y) for y in YEAR.findall(text)]
        reference = article.published.year if article.published else (max(years) if years else None)
        return _Context(article.published, reference, dominant, primary, sports, business,
                        by_sentence, retrospective=retrospective,
                        retrospective_title=bool(RETROSPECTIVE.search(article.title)),
                        **ctx_flags,
                        simulation=bool(SIMULATION.search(article.title)))

    def _as_nationality(self, m: Mention, text: str) -> None:
        """'the southern Somali port of Kismayo': an adjective of nationality before a noun
        is the country's, not the province that shares its name (Ethiopia's Somali)."""
        if m.demonym or m.place is None or m.place.kind == "country":
            return
        cc = self.gazetteer.demonym_country(m.text)
        following = text[m.end : m.end + 20].split()
        if cc and following and following[0][:1].islower():
            country = self.gazetteer.country(cc)
            m.candidates, m.place, m.demonym = [country], country, True

    @staticmethod
    def _primary_place(
        sentences: list[Sentence], by_sentence: dict[int, list[Mention]], dominant: str | None
    ) -> Place | None:
        """The article's main locality: the first below-country place of the title, else the
        most mentioned one in the lead (earliest on ties), within the dominant country."""
        scores: Counter[str] = Counter()
        first: dict[str, tuple[int, Place]] = {}
        for i, s in enumerate(sentences):
            if s.paragraph >= 2:
                break
            for m in by_sentence.get(i, []):
                p = m.place
                if p is None or m.demonym or p.kind in ("country", "region"):
                    continue
                if dominant and p.country != dominant:
                    continue
                if s.paragraph == -1:
                    return p
                scores[p.key] += 1
                first.setdefault(p.key, (i, p))
        if not scores:
            return None
        best = max(scores, key=lambda k: (scores[k], -first[k][0]))
        return first[best][1]

    # -- candidates --------------------------------------------------------------------

    def _candidates(self, sentences: list[Sentence], ctx: _Context) -> list[Candidate]:
        pending: list[tuple[int, list[TriggerHit]]] = []
        for i, s in enumerate(sentences):
            if not may_hold_event(s.text):
                continue
            previous = sentences[i - 1].text if i > 0 else ""
            hits = find_triggers(s.text, previous)
            hits = [h for h in hits if self._passes_text_filters(h, s, ctx)]
            if hits:
                pending.append((i, hits))
        if not pending:
            return []
        # NER is half the parse cost; it runs later only on the sentences events keep.
        docs = list(self.nlp.pipe((sentences[i].text for i, _ in pending), disable=["ner"]))
        ctx.docs.update((i, doc) for (i, _), doc in zip(pending, docs, strict=True))
        out: list[Candidate] = []
        for (i, hits), doc in zip(pending, docs, strict=True):
            s = sentences[i]
            for hit in hits:
                token = _trigger_token(doc, hit)
                if token is None or not _is_factual(token, hit.trigger.type):
                    continue
                if _dated_in_the_past(doc, token, ctx) or _record_of(token, s.text):
                    continue
                if ctx.retrospective and not _dated_here(doc, token):
                    continue  # "photographs taken during the siege … opened on Friday"
                located = self._locate(doc, s, ctx.mentions_by_sentence.get(i, []), token)
                cand = self._candidate(hit, token, doc, i, s, located, sentences, ctx)
                if cand is not None:
                    out.append(cand)
        return out

    @staticmethod
    def _passes_text_filters(hit: TriggerHit, s: Sentence, ctx: _Context) -> bool:
        t = hit.trigger.type
        text = s.text
        if t in ("attack", "capture", "protest", "civilian_harm") and (
            SPORTS.search(text) or (ctx.sports and not STRONG_ARMED.search(text))
        ):
            return False
        if (
            t in ("capture", "disaster", "attack", "displacement")
            and ctx.business
            and BUSINESS.search(text)
        ):
            return False
        if HISTORY.search(text):
            return False
        if t == "refugee_policy" and re.fullmatch(r"(?i)refugee camps?|refugees?", hit.text) and (
            not CAMP_POLICY.search(text)
        ):
            return False  # "the city of Jenin and its refugee camp": a place, not a policy
        denial = DENIED_CLAIM.search(text)
        if denial and denial.start() < hit.start:
            return False  # "denied claims that they had seized the town"
        if (
            ctx.denial_title
            and t in ("attack", "capture", "civilian_harm")
            and CLAIMED.search(text)
        ):
            return False  # the claims the headline denies
        if ctx.returns_title and t == "displacement" and not (
            s.paragraph < 2 and TIME_ANCHOR.search(text)
        ):
            return False  # a returnees' story recalls their flight; it is not news of one
        if t in ("attack", "capture", "civilian_harm", "disaster", "displacement") and (
            ctx.simulation or SIMULATION.search(text)
        ):
            return False
        if t == "displacement" and RETURNS.search(text):
            return False  # people going home, not fleeing
        if ctx.retrospective and not (TIME_ANCHOR.search(text) and s.paragraph < 2):
            return False  # in a story about the past only fresh, dated news counts
        return not HABITUAL.search(text)

    def _candidate(
        self,
        hit: TriggerHit,
        token: Token,
        doc: Doc,
        index: int,
        s: Sentence,
        located: _Located,
        sentences: list[Sentence],
        ctx: _Context,
    ) -> Candidate | None:
        t = hit.trigger.type
        places = list(located.locations)
        if t in ("refugee_policy", "ceasefire"):
            # The government that makes the policy, or the parties to a truce, are where it
            # happens; the refugees' origin ("refugees from Sudan") or the venue of talks
            # ("agreed at talks in Kuala Lumpur") is not.
            governments = [
                p for p in located.actors if p.kind == "country" and p not in located.agents
            ]
            if governments:
                ccs = {p.country for p in governments}
                places = governments + [
                    p for p in places if p.kind != "country" and p.country in ccs
                ]
        places_inferred = False
        if ANAPHORA.search(s.text) and index > 0:
            # "fled the town": the town is the one the previous sentence named
            places = places + [
                p for p in self._neighbour_places(index - 1, sentences, ctx) if p not in places
            ]
        places_fallback = False
        if not places or all(p.kind == "region" for p in places):
            inferred, places_fallback = self._infer_places(index, sentences, ctx)
            places_inferred = bool(inferred) and not places
            places_fallback = places_fallback and places_inferred
            places = places + inferred
        casualties = extract_casualties(s.text)
        people = extract_people_count(s.text) if t in ("displacement", "protest") else None
        headline = s.paragraph < 2
        direct_local = any(p.kind in ("city", "area", "admin1") for p in located.locations)
        anchored = bool(
            direct_local or TIME_ANCHOR.search(s.text) or casualties or people or headline
            or (t == "refugee_policy" and any(p.kind == "country" for p in places))
        )
        if not headline and not anchored and hit.trigger.strength < 0.85:
            return None
        return Candidate(
            type=t,
            strength=hit.trigger.strength,
            sentence=s,
            hit=hit,
            places=places,
            places_inferred=places_inferred,
            places_fallback=places_fallback,
            headline=headline,
            token=token,
            casualties=casualties,
            people=people,
            anchored=anchored,
            alleged=bool(ALLEGED.search(s.text)),
        )

    def _infer_places(
        self, index: int, sentences: list[Sentence], ctx: _Context
    ) -> tuple[list[Place], bool]:
        """Where a sentence without a place happened: its neighbours, then the article.
        The flag says the answer is only the article's main place or country."""
        s = sentences[index]
        found: list[list[Place]] = []
        neighbours = [index - 1] if index > 0 else []
        if index + 1 < len(sentences) and sentences[index + 1].paragraph == s.paragraph:
            neighbours.append(index + 1)
        for n in neighbours:
            places = self._neighbour_places(n, sentences, ctx)
            if places:
                found.append(places)
        if found:
            # The previous sentence wins, unless the next one only narrows it down.
            first = found[0]
            if len(found) > 1:
                merged = most_specific(first + found[1])
                if {p.country for p in merged} == {p.country for p in first}:
                    return merged, False
            return first, False
        if ctx.primary is not None:
            return [ctx.primary], True
        if ctx.dominant_country:
            return [self.gazetteer.country(ctx.dominant_country)], True
        return [], True

    def _neighbour_places(
        self, n: int, sentences: list[Sentence], ctx: _Context
    ) -> list[Place]:
        """Below-region places a neighbouring sentence names as locations (parsed lazily)."""
        mentions = ctx.mentions_by_sentence.get(n, [])
        if not any(m.place is not None and not m.demonym for m in mentions):
            return []
        if n not in ctx.docs:
            ctx.docs[n] = self.nlp(sentences[n].text, disable=["ner"])
        located = self._locate(ctx.docs[n], sentences[n], mentions, None)
        return [p for p in located.locations if p.kind != "region"]

    def _locate(
        self, doc: Doc, s: Sentence, mentions: list[Mention], trigger: Token | None
    ) -> _Located:
        out = _Located()
        offset = s.start
        for m in mentions:
            if m.place is None:
                continue
            role = _role(doc, s.text, m.start - offset, m.end - offset, m.demonym, trigger)
            if role == "location":
                out.locations.append(m.place)
            elif m.demonym:
                out.nationalities.append(m.place)
                if _governs(doc, s.text, m.start - offset, m.end - offset):
                    out.actors.append(m.place)  # "the Turkish interior ministry said"
            elif role in ("actor", "agent"):
                out.actors.append(m.place)
                if role == "agent":
                    out.agents.append(m.place)
        out.locations = _dedupe(out.locations)
        return out

    def _add_actors(self, kept: list[tuple[Event, list[Candidate]]]) -> None:
        """Name who acted, from the two strongest sentences of each kept event. NER runs
        here, batched, on those sentences only."""
        docs = {id(c.token.doc): c.token.doc for _, cands in kept for c in cands[:2]}
        todo = [d for d in docs.values() if not d.user_data.get("ner")]
        for doc in self.nlp.get_pipe("ner").pipe(todo):
            doc.user_data["ner"] = True
        for event, cands in kept:
            for c in cands[:2]:
                for name in _actors(c.token, c.token.doc):
                    if name not in event.actors and len(event.actors) < 3:
                        event.actors.append(name)

    # -- grouping ----------------------------------------------------------------------

    def _group(self, candidates: list[Candidate], ctx: _Context) -> list[Event]:
        """One event per type and country; places merged, evidence from the strongest."""
        groups: dict[tuple[str, str | None], list[Candidate]] = defaultdict(list)
        borrowed: list[Candidate] = []
        for c in candidates:
            if c.places_inferred:
                borrowed.append(c)  # placed by its neighbours: joins a located report below
                continue
            countries = [p.country for p in c.places if p.country]
            country = countries[0] if countries else ctx.dominant_country
            groups[(c.type, country)].append(c)
        for c in borrowed:
            same_type = [k for k in groups if k[0] == c.type]
            if same_type:
                strongest = max(same_type, key=lambda k: max(x.strength for x in groups[k]))
                groups[strongest].append(c)
            else:
                countries = [p.country for p in c.places if p.country]
                groups[(c.type, countries[0] if countries else ctx.dominant_country)].append(c)
        kept: list[tuple[Event, list[Candidate]]] = []
        for (etype, _country), cands in groups.items():
            event = _merge(etype, cands)
            if event.confidence >= self.min_confidence:
                kept.append((event, cands))
        self._add_actors(kept)
        events = [event for event, _ in kept]
        events.sort(
            key=lambda e: (severity_rank(e.severity), e.headline, e.confidence), reverse=True
        )
        return events


# --- helpers --------------------------------------------------------------------------


_NAME = (
    r"[A-Z][\w'’]+(?:-[\w'’]+)*(?:\s+(?:(?:al|el|ad|as|ash|ar|an|de|du|des|la|le|del|di|da|"
    r"do|dos|das|bin|ibn|ben)[- ])?[A-Z][\w'’]+(?:-[\w'’]+)*){0,3}"
)
_SETTLEMENT_NOUNS = (r"towns?|villages?|city|cities|camps?|settlements?|hamlets?|locality|"
                     r"localities|communes?|townships?|port|neighbou?rhoods?|suburbs?|"
                     r"refugee camps?")
_AREA_NOUNS = (r"districts?|municipality|municipalities|regions?|county|counties|provinces?|"
               r"states?|governorates?|zones?|areas?|valley|islands?|departments?|"
               r"prefectures?|oblasts?|sub-?county|divisions?|territory|regency|regencies")
_PATTERN_PLACES = (
    # "the towns of Tibú, El Tarra and Teorama", "the village of Sinjil"
    re.compile(rf"\b(?P<noun>{_SETTLEMENT_NOUNS}|{_AREA_NOUNS}) of (?P<name>{_NAME})"
               rf"(?P<more>(?:,\s*{_NAME})*(?:,?\s+and\s+{_NAME})?)"),
    # "Hays district", "Agam and Tanah Datar districts"
    re.compile(rf"(?P<name>{_NAME})(?P<more>(?:,\s*{_NAME})*(?:,?\s+and\s+{_NAME})?)"
               rf"(?:['’]s)? (?P<noun>{_SETTLEMENT_NOUNS}|{_AREA_NOUNS})\b"),
)
_LIST_NAME = re.compile(_NAME)
_NOT_NAMES = {
    "the", "a", "an", "this", "that", "its", "their", "his", "her", "our", "one", "each",
    "every", "northern", "southern", "eastern", "western", "central", "capital", "federal",
    "special", "autonomous", "tribal", "new", "old", "border", "national", "regional", "local",
    "same", "whole", "entire", "another", "other", "nearby", "neighbouring", "neighboring",
    "industrial", "residential", "rural", "urban", "coastal", "remote", "mining", "disputed",
    "restive", "occupied", "separatist", "breakaway", "semi-autonomous", "red", "green",
    "under", "in", "at", "on", "from", "after", "before", "when", "while", "as", "but", "and",
    "some", "many", "several", "most", "all", "both", "which", "where", "since",
}


def _pattern_mentions(
    text: str, s: Sentence, known: list[Mention], dominant: str | None
) -> list[Mention]:
    """Places the gazetteer lacks, named by a place noun: 'the town of Dansadau',
    'Hays district', 'the Jabal al-Zawiya area'. They take the country the sentence
    names, else the article's."""
    sentence = text[s.start : s.end]
    taken = [(m.start - s.start, m.end - s.start) for m in known]
    countries = [(m.start - s.start, m.place.country) for m in known
                 if m.place is not None and m.place.country and not m.demonym]
    out: list[Mention] = []
    superseded: list[Mention] = []
    for pattern in _PATTERN_PLACES:
        for m in pattern.finditer(sentence):
            start, end = m.span("name")
            words = m.group("name").split()
            while words and (
                words[0].lower() in _NOT_NAMES or any(w.endswith(("'s", "’s")) for w in words)
            ):
                start += len(words[0]) + 1
                words = words[1:]
            if not words or (len(words) == 1 and words[0].isupper()):
                continue  # "MST camps": an acronym names a group, not a place
            reach = max(end, m.end())  # "Abu Salim district" may hold a known "Salim district"
            inside = [k for k in known if start <= k.start - s.start and k.end - s.start <= reach]
            if (
                inside
                and len(words) > 1
                and all(not k.demonym and k.start - s.start > start for k in inside)
            ):
                # "Abu Salim district": the whole name, not the "Salim" the gazetteer saw
                superseded.extend(inside)
                taken = [(a, b) for a, b in taken if not (start <= a and b <= reach)]
            if any(a < end and start < b for a, b in taken):
                continue
            name = " ".join(words)
            # "Nigeria's northwestern Zamfara state": a country right before it; else the
            # article's own country (a country named elsewhere in the sentence may be a speaker)
            near = [cc for pos, cc in countries if 0 <= start - pos <= 40]
            country = near[-1] if near else dominant
            if country is None:
                continue
            settlement = re.fullmatch(_SETTLEMENT_NOUNS, m.group("noun"), re.IGNORECASE)
            place = Place(
                key=f"text:{country}:{_normal_key(name)}",
                name=name,
                kind="city" if settlement else "area",
                country=country,
            )
            mention = Mention(s.start + start, s.start + end, name, [place])
            mention.place = place
            out.append(mention)
            taken.append((start, end))
            base = m.start("more")
            for extra in _LIST_NAME.finditer(m.group("more")):
                a, b = base + extra.start(), base + extra.end()
                word = extra.group(0)
                if (word.lower() in _NOT_NAMES or word.isupper()
                        or any(x < b and a < y for x, y in taken)):
                    continue
                other = replace(place, key=f"text:{country}:{_normal_key(word)}", name=word)
                more = Mention(s.start + a, s.start + b, word, [other])
                more.place = other
                out.append(more)
                taken.append((a, b))
    for k in superseded:
        if k in known:
            known.remove(k)
    return out


def _normal_key(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _clause_head(tok: Token) -> Token:
    for t in (tok, *tok.ancestors):
        if t.pos_ in ("VERB", "AUX") or t.dep_ == "ROOT":
            return t
    return tok


def _dated_here(doc: Doc, trigger: Token) -> bool:
    """A recent date ('on Friday', 'today') stands in the trigger's own clause."""
    home = _clause_head(trigger)
    for m in TIME_ANCHOR.finditer(doc.text):
        span = doc.char_span(m.start(), m.end(), alignment_mode="expand")
        if span is not None and _clause_head(span.root).i == home.i:
            return True
    return False


def _record_of(trigger: Token, sentence: str) -> bool:
    """'the group, which has claimed bombings in Marawi': a relative clause in the perfect
    with no date describes someone's record, not today's news ('Sderot, which has been hit
    by rockets since Wednesday' has a date)."""
    clause = _clause_head(trigger)
    if clause.dep_ != "relcl" or TIME_ANCHOR.search(sentence):
        return False
    return any(c.dep_ == "aux" and c.lower_ in ("has", "have") for c in clause.children)


def _subject_of(noun: Token, clause_ids: set[int]) -> bool:
    """The noun is, or sits inside, the subject of one of the given clauses."""
    for t in (noun, *noun.ancestors):
        if t.dep_ in ("nsubj", "nsubjpass") and t.head.i in clause_ids:
            return True
        if t.i in clause_ids:
            return False
    return False


def _dated_in_the_past(doc: Doc, trigger: Token, ctx: _Context) -> bool:
    """A year, or a month named without a day, well before the article's own news, in the
    trigger's own clause marks background ("the 2020-2023 drought displaced …", "the city
    fell in August"); a date inside a clause about someone ("fighters who signed the 2016
    deal") does not."""
    if ctx.reference_year is None:
        return False
    text = doc.text
    month = ctx.published.month if ctx.published else 12
    old: list[int] = []
    for m in YEAR.finditer(text):
        year = int(m.group(1))
        if SINCE_YEAR.search(text[: m.start()]):
            continue
        if year < ctx.reference_year - 1 or (year == ctx.reference_year - 1 and month > 2):
            old.append(m.start())
    for m in LAST_YEAR.finditer(text):
        if month > 2:
            old.append(m.start())
    if ctx.published is not None:
        for m in MONTH_YEAR.finditer(text):  # "in January 2024": a month of a given year
            named = int(m.group(2)) * 12 + MONTHS.index(m.group(1).lower())
            now = ctx.published.year * 12 + ctx.published.month - 1
            if now - named >= 2:
                old.append(m.start())
    if ctx.published is not None:
        for m in MONTH_REF.finditer(text):
            named = MONTHS.index(m.group(1).lower()) + 1
            if (month - named) % 12 >= 2:  # two or more months back (a year wraps)
                old.append(m.start(1))
    if not old:
        return False
    home = _clause_head(trigger)
    home_line = {home.i, *(a.i for a in home.ancestors)}
    for start in old:
        span = doc.char_span(start, start + 1, alignment_mode="expand")
        if span is None:
            return True
        clause = _clause_head(span.root)
        if clause.i in home_line:
            return True  # the date governs the trigger's clause or one above it
        if clause.dep_ in ("relcl", "acl") and _subject_of(clause.head, home_line):
            return True  # "a war that began in 2013 killed …": it dates the subject
    return False


def _trigger_token(doc: Doc, hit: TriggerHit) -> Token | None:
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


def _is_factual(token: Token, etype: str) -> bool:
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
    for anc in token.ancestors:  # "ended without an agreement on a ceasefire"
        if anc.lower_ == "without" or any(
            c.dep_ == "det" and c.lower_ == "no" for c in anc.children
        ):
            return False
        if anc.pos_ in ("VERB", "AUX"):
            break
    if (
        etype == "displacement"
        and not TIME_ANCHOR.search(token.sent.text)
        and any(c.dep_ in ("auxpass", "aux") and c.lower_ in ("are", "is", "remain", "remains")
                for c in token.children)
    ):
        return False  # "two million are displaced": a standing figure, not news
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
    path: list[Token] = [token]
    cur = token
    while cur.head.i != cur.i:
        if cur.dep_ in ("nsubj", "nsubjpass", "csubj"):
            break  # the subject of a clause exists whatever the clause says of it
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
    for i, tok in enumerate(path):
        lemma = tok.lemma_.lower()
        if i > 0 and lemma in REPORTING_HEADS:
            break
        for child in tok.children:
            if child.dep_ == "neg":
                return False
            if child.dep_ in ("aux", "auxpass") and child.lower_ in MODALS:
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
        if lemma in PREVENTION_HEADS or (lemma == "keep" and through_from):
            return _negated_by_failure(tok)
        if lemma in DENIAL_HEADS or (
            lemma == "rule" and any(c.lower_ == "out" for c in tok.children)
        ):
            return False
        if lemma in HYPOTHETICAL_HEADS and lemma not in FUTURE_OK_HEADS.get(etype, ()):
            return False
    return True


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


GOVERNMENT_NOUNS = {
    "government", "ministry", "minister", "authorities", "authority", "officials", "cabinet",
    "president", "parliament", "administration", "department", "office", "state", "court",
    "police", "army", "military", "navy", "coastguard", "coast", "border", "interior",
    "immigration", "premier", "chancellor", "leader", "leaders", "junta", "regime",
}


def _governs(doc: Doc, sentence: str, start: int, end: int) -> bool:
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


def _climb_coordination(tok: Token) -> Token:
    """From 'Herat' in 'Lashkar Gah, Kandahar, and Herat' to the first of the list."""
    while tok.dep_ in ("conj", "appos") and tok.head.i != tok.i:
        tok = tok.head
    return tok


def _in_other_clause(place: Token, trigger: Token) -> bool:
    """The place belongs to another clause than the trigger: a hypothetical one ('might
    take Goma') or one with its own subject ('…; thousands flee toward Gao')."""
    trigger_line = {trigger.i, *(a.i for a in trigger.ancestors)}
    for tok in [place, *place.ancestors]:
        if tok.i in trigger_line:
            return False
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
                and c.lower_ not in ("who", "which", "that")
                for c in tok.children
            )
        ):
            return True
    return False


def _role(
    doc: Doc, sentence: str, start: int, end: int, demonym: bool, trigger: Token | None
) -> str:
    """How a place name is used in a sentence:

    'location' — where something happens: after a locative preposition, the object or
    passive subject of an event verb, or the name of a place noun ('the town of X');
    'actor' — the nationality or voice of someone ('U.S. officials', 'Israel said');
    'near' — a reference point ('near the Pakistan border', '30 km north of Goma');
    'other' — anything else (criticised Washington, a hypothetical clause).
    """
    if demonym:
        return "actor"
    before, after = sentence[max(0, start - 40) : start], sentence[end : end + 40]
    if NEAR_BEFORE.search(before) or NEAR_AFTER.search(after):
        return "near"
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or not len(span):
        return "actor" if ACTOR_AFTER.search(after) else "location"
    root = span.root
    if trigger is not None and _in_other_clause(root, trigger):
        return "other"
    tok = _climb_coordination(root)
    # 'the town of X', 'X province', "Helmand's provincial capital": the place noun decides
    if tok.dep_ == "pobj" and tok.head.lower_ == "of" and tok.head.head.lemma_ in PLACE_NOUNS:
        return "location"
    if tok.dep_ in ("compound", "poss", "nmod", "amod"):
        head = tok.head
        if head.lemma_.lower() in PLACE_NOUNS or head.lower_ in PLACE_NOUNS:
            return "location"
        if head.lower_ in ACTOR_NOUNS or head.ent_type_ in ("ORG", "NORP", "PERSON"):
            return "actor"
        return "actor" if ACTOR_AFTER.search(after) else "other"
    head = tok.head
    if tok.dep_ == "pobj":
        prep = head.lower_
        if prep == "by" and head.head.pos_ in ("VERB", "AUX"):
            return "agent"  # "hosted by Qatar": who did something else in the sentence
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


def _actors(token: Token, doc: Doc) -> list[str]:
    """Who did it: named groups in the trigger's subject, agent or compound modifiers."""
    spans: list[Any] = []
    verb = token if token.pos_ == "VERB" else token.head if token.head.pos_ == "VERB" else None
    if verb is not None:
        for child in verb.children:
            if child.dep_ in ("nsubj", "agent"):
                spans.append(child.subtree)
            if child.dep_ == "nsubjpass":
                continue
    spans.append(c for c in token.children if c.dep_ in ("compound", "amod", "poss"))
    names: list[str] = []
    idx: set[int] = set()
    for sub in spans:
        for t in sub:
            idx.add(t.i)
    for ent in doc.ents:
        if ent.label_ in ("ORG", "NORP", "PERSON") and any(t.i in idx for t in ent):
            name = ent.text.strip(" '’\"“”")
            if name and name not in names and name.lower() not in ("u.n.", "un"):
                names.append(name)
    if not names and verb is not None:
        for child in verb.children:
            if child.dep_ == "nsubj" and child.pos_ in ("NOUN", "PROPN"):
                words = [t.text for t in child.subtree if t.dep_ not in ("det", "punct")]
                if 0 < len(words) <= 4:
                    names.append(" ".join(words))
    return names[:3]


def _dedupe(places: Iterable[Place]) -> list[Place]:
    seen: set[str] = set()
    out: list[Place] = []
    for p in places:
        if p.key not in seen:
            seen.add(p.key)
            out.append(p)
    return out


def most_specific(places: Sequence[Place]) -> list[Place]:
    """Drop countries and regions that contain another listed place (Afghanistan when
    Kandahar is there). Provinces and areas stay — "Pütürge, Malatya" says more than
    "Pütürge" — unless they share a listed town's name (Kandahar province and city)."""
    places = _dedupe(places)
    contained: set[str] = set()
    for p in places:
        contained.update(a for a in ancestors(p) if a != p.key)
    town_names = {normalise_name(p.name) for p in places if p.kind == "city"}
    kept = [
        p for p in places
        if not (p.key in contained and (
            p.kind in ("country", "region") or normalise_name(p.name) in town_names
        ))
    ]
    return sorted(kept, key=lambda p: KIND_ORDER.get(p.kind, 5)) if kept else list(places)


def _merge(etype: str, cands: list[Candidate]) -> Event:
    """One event from same-type candidates (sorted strongest first, in place)."""
    cands.sort(key=lambda c: (c.headline, not c.places_inferred, c.strength), reverse=True)
    best = cands[0]
    direct = [p for c in cands if not c.places_inferred for p in c.places]
    inferred = [p for c in cands if c.places_inferred and not c.places_fallback for p in c.places]
    if not inferred:
        inferred = [p for c in cands if c.places_fallback for p in c.places]
    if direct:
        # an inferred place may only narrow a direct one: 'Rondonia' + 'Cabixi, Rondonia'
        keys = {p.key for p in direct if p.kind not in ("country", "region")}
        direct += [p for p in inferred if keys & set(ancestors(p)[1:])]
    places = most_specific(direct or inferred)
    casualties = _largest_casualties(c.casualties for c in cands)
    people = max((c.people or 0 for c in cands), default=0) or None
    headline = any(c.headline for c in cands)
    confidence = best.strength
    confidence += 0.1 if headline else 0.0
    confidence += 0.08 if any(not c.places_inferred for c in cands) else -0.05
    confidence += 0.05 if any(c.anchored for c in cands) else 0.0
    confidence += min(0.1, 0.04 * (len({c.sentence.start for c in cands}) - 1))
    confidence -= 0.05 if all(c.alleged for c in cands) else 0.0
    event = Event(
        type=etype,
        places=places,
        evidence=best.sentence.text,
        headline=headline,
        confidence=max(0.0, min(0.99, confidence)),
        casualties=casualties,
    )
    event.severity = severity_of(event, people)
    return event


def _largest_casualties(items: Iterable[Casualties | None]) -> Casualties | None:
    """The highest death toll and the highest injury count reported, each with its words."""
    killed: Casualties | None = None
    injured: Casualties | None = None
    for c in items:
        if c is None:
            continue
        if c.killed and (killed is None or c.killed > (killed.killed or 0)):
            killed = c
        if c.injured and (injured is None or c.injured > (injured.injured or 0)):
            injured = c
    if killed is None and injured is None:
        return None
    main = killed or injured
    assert main is not None
    return Casualties(
        killed=killed.killed if killed else None,
        injured=injured.injured if injured else None,
        qualifier=main.qualifier,
        text=main.text,
    )


def severity_of(event: Event, people: int | None = None) -> str:
    """low / medium / high / critical from type, casualties, scale and the places hit."""
    killed = event.casualties.killed or 0 if event.casualties else 0
    hurt = event.casualties.total if event.casualties else 0
    capital = any(p.kind == "city" and (p.population >= 1_000_000) for p in event.places)
    cities = sum(1 for p in event.places if p.kind == "city")
    t = event.type
    level = {"attack": 1, "capture": 2, "civilian_harm": 2, "displacement": 1,
             "refugee_policy": 1, "ceasefire": 1, "protest": 0, "disaster": 1}[t]
    if t in ("attack", "civilian_harm", "disaster"):
        if killed >= 100:
            level = 3
        elif killed >= 10 or hurt >= 50:
            level = max(level, 2)
    if t == "attack" and (capital or cities >= 3):
        level = max(level, 2)
    if t == "capture" and capital:
        level = 3
    if t == "civilian_harm" and "massacr" in event.evidence.lower():
        level = max(level, 2)
    if t == "displacement" and people:
        level = 3 if people >= 500_000 else 2 if people >= 10_000 else level
    if t == "protest":
        if killed:
            level = 2
        elif (people and people >= 10_000) or re.search(
            r"tear ?gas|clash|arrest|riot|injur", event.evidence, re.IGNORECASE
        ):
            level = 1
    if t == "disaster" and re.search(r"magnitude ([6-9](?:\.\d)?)", event.evidence):
        level = max(level, 2)
    return ("low", "medium", "high", "critical")[level]


__all__ = ["EVENT_TYPES", "Candidate", "EventExtractor", "most_specific", "severity_of"]
