"""Build ``config/data/admin1_english.json``: English names and points of provinces.

``admin1.json`` names GeoNames divisions as ``rg_cities1000.csv`` spells them, sometimes in
a Dutch or German transliteration ("Kamtsjatka", "Nizjnij Novgorod", "Rheinland-Pfalz"),
and holds 1,085 ISO 3166-2 subdivisions it could not link to a GeoNames code by name
(Sudan's "North Kordofan", Congo's "Tshopo"), which have no point at all. The
countries-states-cities database (dr5hn, PyPI ``countrystatecity-countries``) gives each
state its English name, an ISO 3166-2 code and a point near its middle. Joined by ISO code:

- ``names``: a division's English name, where it is not among its names yet ("Kamchatka",
  "Saladin", "Rhineland-Palatinate"); the gazetteer shows it first and reads it as an alias;
- ``same``: an ISO-only subdivision that is a GeoNames division the name link missed: its
  dr5hn point's nearest GeoNames town lies in a division with no ISO link, of the same
  country and a similar name (RU-KAM "Kamchatskiy" is RU.92 "Kamtsjatka"); the gazetteer
  reads its names as that division's, instead of keeping a second place without a point;
  so is one whose point's nearest town lies in a division GeoNames' file names like
  another of its country (the old province it was carved from: Congo's "Eastern Province"
  is Ituri, Tshopo, Haut-Uele and Bas-Uele), whatever its name, if that division's towns
  are the nearest of the namesakes'; the division is then shown by the subdivision's name;
- ``points``: the dr5hn point of every other ISO-only subdivision.

A bare compass or kind word ("South", "Central") is never a name. Derived from the
countries-states-cities database and shared under its licence, the Open Database License
(ODbL) 1.0, with attribution in ``_about``. Run once, offline after the
download that ``bench/dr5hn.py`` gives, and before ``bench/build_admin1_points.py``, which
places a ``same`` division at its subdivision's point:

    python bench/build_admin1_english.py /tmp/csc/x/countrystatecity_countries/data
"""

from __future__ import annotations

import difflib
import json
import re
import sys
import unicodedata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.dr5hn import SOURCE, states_by_iso
from bot.analysis.evaluate_places import NearestCity, distance_km
from config import DATA_DIR

OUT = DATA_DIR / "admin1_english.json"

ABOUT = (
    "English names and points of first-level divisions (GeoNames admin1 code or ISO 3166-2 "
    "code -> name; ISO 3166-2 code -> [lat, lon]; ISO code -> the GeoNames code it is) from "
    f"{SOURCE}; built by bench/build_admin1_english.py."
)

SIMILAR = 0.7  # name likeness for an ISO-only subdivision to be a GeoNames division
LIKE = 0.5  # name likeness for an English name to be another name of a division
BARE = {"north", "south", "east", "west", "northern", "southern", "eastern", "western",
        "central", "capital", "upper", "lower", "federal", "national", "special", "city",
        "centre", "center", "northeast", "northwest", "southeast", "southwest",
        "northeastern", "northwestern", "southeastern", "southwestern", "coast", "islands"}
_KIND = re.compile(
    r"\b(?:region|province|state|oblast|krai|kray|governorate|county|district|department|"
    r"prefecture|autonomous|republic|territory|of|the|respublika)\b")


def _plain(name: str) -> str:
    ascii_ = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z]", "", _KIND.sub(" ", ascii_))


def _similar(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, _plain(a), _plain(b)).ratio()


_COMPASS = re.compile(r"north|south|east|west|upper|lower|central|middle")


def _same_side(a: str, b: str) -> bool:
    """No likeness of spelling joins "South Aegean" to "North Aegean"."""
    return set(_COMPASS.findall(_plain_words(a))) == set(_COMPASS.findall(_plain_words(b)))


def _usable(name: str) -> bool:
    words = re.findall(r"[a-z]+", _plain_words(name))
    return len(name) >= 3 and not all(w in BARE or _KIND.fullmatch(w) for w in words)


def _plain_words(name: str) -> str:
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()


def _known(info: dict, name: str) -> bool:
    return _plain(name) in {_plain(n) for n in [info["name"], *info.get("aliases", [])]}


def _new_name(info: dict, english: str) -> bool:
    """An English name worth adding: usable, not yet known, and spelt like one of the
    division's names (a translation that is a word of its own, "Jewish" for Yevreyskaya
    avtonomnaya oblast, is left out)."""
    return _usable(english) and not _known(info, english) and max(
        _similar(english, n) for n in [info["name"], *info.get("aliases", [])]) >= LIKE


def _stale(codes: dict[str, dict], unlinked: set[str]) -> set[str]:
    """Unlinked GeoNames divisions named as another of their country is: the name of the
    province they were carved from ("Eastern Province" for each of Ituri, Tshopo, Haut-Uele
    and Bas-Uele since Congo's 2015 reform; "Katanga" for its four successors). Such a
    division is the ISO-only subdivision whose point lies among its towns, whatever its
    name."""
    by_name: dict[tuple[str, str], list[str]] = {}
    for code in unlinked:
        by_name.setdefault((code[:2], _plain(codes[code]["name"])), []).append(code)
    return {code for group in by_name.values() if len(group) > 1 for code in group}


def _among_its_towns(code: str, lat: float, lon: float, codes: dict[str, dict],
                     stale: set[str]) -> bool:
    """Whether a point whose nearest town lies in the stale-named division ``code`` is
    also nearest the middle of that division's towns among the divisions of its name
    (Lima's point, whose nearest town is in the Lima Region, is nearer the towns of the
    Callao division, also "Lima" in GeoNames' file: neither is claimed)."""
    if code not in stale:
        return False
    name = _plain(codes[code]["name"])
    group = [c for c in stale if c[:2] == code[:2] and _plain(codes[c]["name"]) == name
             and codes[c].get("lat") is not None]
    return min(group, key=lambda c: distance_km(lat, lon, codes[c]["lat"],
                                                codes[c]["lon"])) == code


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    states = states_by_iso(argv[0])
    admin1 = json.loads((DATA_DIR / "admin1.json").read_text(encoding="utf-8"))
    codes = {k: v for k, v in admin1.items() if not k.startswith("_")}
    linked = {v["iso"]: k for k, v in codes.items() if "." in k and v.get("iso")}
    unlinked = {k for k, v in codes.items() if "." in k and not v.get("iso")}
    nearest = NearestCity(max_km=1000.0)
    names: dict[str, str] = {}
    points: dict[str, list[float]] = {}
    same: dict[str, str] = {}
    claimed: dict[str, list[str]] = {}  # GeoNames code -> ISO-only entries that match it
    stale = _stale(codes, unlinked)
    for iso, found in sorted(states.items()):
        if len(found) != 1 or (iso not in codes and iso not in linked):
            continue  # a code two states share links neither
        state = found[0]
        lat, lon = float(state["latitude"]), float(state["longitude"])
        where = nearest.at(lat, lon)
        english = state["name"]
        if iso in linked:  # a GeoNames division linked by name when admin1.json was built
            code = linked[iso]
            if where is not None and where[1] == code and _new_name(codes[code], english):
                names[code] = english
            continue
        # an ISO-only subdivision: a GeoNames division under another name, or a place of
        # its own that needs a point
        code = where[1] if where is not None else None
        if code in unlinked and code.startswith(iso[:2] + ".") and (
                _among_its_towns(code, lat, lon, codes, stale) or (
                _same_side(english, codes[code]["name"])
                and max(_similar(english, codes[code]["name"]),
                        _similar(codes[iso]["name"], codes[code]["name"])) >= SIMILAR)):
            claimed.setdefault(code, []).append(iso)
            continue
        points[iso] = [round(lat, 3), round(lon, 3)]
        if _new_name(codes[iso], english):
            names[iso] = english
    for code, isos in sorted(claimed.items()):
        iso = isos[0]
        if len(isos) > 1:  # two subdivisions in one division: keep them apart
            for other in isos:
                state = states[other][0]
                points[other] = [round(float(state["latitude"]), 3),
                                 round(float(state["longitude"]), 3)]
            continue
        same[iso] = code
        english = states[iso][0]["name"]
        if code in stale:  # the division's own name, which GeoNames' file lacks
            names[code] = english if _usable(english) else codes[iso]["name"]
        elif _new_name(codes[code], english) or _new_name(codes[iso], english):
            names[code] = english
    OUT.write_text(json.dumps({"_about": ABOUT, "names": dict(sorted(names.items())),
                               "points": dict(sorted(points.items())),
                               "same": dict(sorted(same.items()))},
                              ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(f"{len(names)} English names, {len(points)} points of ISO-only subdivisions, "
          f"{len(same)} ISO-only subdivisions that are GeoNames divisions -> {OUT}",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
