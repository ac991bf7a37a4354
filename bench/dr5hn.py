"""The countries-states-cities database (dr5hn) as the bench builders read it: its states
by ISO 3166-2 code, and the attribution its licence asks of what derives from it.

The builders (``build_admin1_points.py``, ``build_admin1_english.py``) read the data
directory of its PyPI package, downloaded once:

    pip download --no-deps countrystatecity-countries==2.0.1 -d /tmp/csc && \\
        python -m zipfile -e /tmp/csc/countrystatecity_countries-2.0.1-py3-none-any.whl /tmp/csc/x

and then, offline, each as ``python bench/build_....py /tmp/csc/x/countrystatecity_countries/data``.
"""

from __future__ import annotations

import json
from pathlib import Path

SOURCE = (
    "the countries-states-cities database (dr5hn, https://github.com/dr5hn/"
    "countries-states-cities-database; PyPI countrystatecity-countries 2.0.1), joined by "
    "ISO 3166-2 code. Licensed under the Open Database License (ODbL) 1.0 "
    "(https://opendatacommons.org/licenses/odbl/1-0/), as the database it derives from"
)


def states_by_iso(data_dir: str | Path) -> dict[str, list[dict]]:
    """Each ISO 3166-2 code's states that have a point (``latitude``, ``longitude``), from
    the package's ``by-country/*/states.json``; a code two states share lists both."""
    found: dict[str, list[dict]] = {}
    for path in sorted(Path(data_dir).glob("by-country/*/states.json")):
        for state in json.loads(path.read_text(encoding="utf-8")):
            if state.get("iso3166_2") and state.get("latitude") and state.get("longitude"):
                found.setdefault(state["iso3166_2"], []).append(state)
    return found
