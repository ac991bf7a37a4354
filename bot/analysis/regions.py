"""Region hierarchy: city → admin1 → (area) → country → regions → world.

Regions (``config/data/regions.json``) are UN M49 continents and subregions plus names used
in news (Middle East, Sahel, Horn of Africa, EU, …). A region contains the countries listed
under it and every country of its children; areas (Gaza Strip, Donbas) and admin1s sit
between places and their country.
"""

from __future__ import annotations

import difflib
import re
import threading
from functools import lru_cache

from bot.models import Place
from config import region_defs

WORLD = "world"


def region_key(slug: str) -> str:
    return WORLD if slug == WORLD else f"region:{slug}"


class RegionTree:
    """Containment of countries in regions, and the place hierarchy built on it."""

    def __init__(self) -> None:
        defs = {r["key"]: r for r in region_defs()}
        self._defs = defs
        memo: dict[str, frozenset[str]] = {}

        def members(slug: str, seen: tuple[str, ...] = ()) -> frozenset[str]:
            if slug in memo:
                return memo[slug]
            if slug in seen:
                raise ValueError(f"region cycle at {slug}")
            r = defs[slug]
            out = set(r.get("countries", []))
            for child in r.get("children", []):
                out |= members(child, (*seen, slug))
            memo[slug] = frozenset(out)
            return memo[slug]

        self.members: dict[str, frozenset[str]] = {region_key(s): members(s) for s in defs}
        by_country: dict[str, list[str]] = {}
        for key, ccs in self.members.items():
            for cc in ccs:
                by_country.setdefault(cc, []).append(key)
        # most specific (fewest countries) first; world last
        self._by_country = {
            cc: sorted(keys, key=lambda k: (k == WORLD, len(self.members[k]), k))
            for cc, keys in by_country.items()
        }

    def regions_of_country(self, iso2: str) -> list[str]:
        """Region keys containing a country, most specific first, ending with "world"."""
        return list(self._by_country.get(iso2.upper(), [WORLD]))

    def name(self, key: str) -> str:
        slug = key.split(":", 1)[1] if key.startswith("region:") else key
        return self._defs[slug]["name"]

    def keys(self) -> list[str]:
        return list(self.members)


_LOCK = threading.Lock()
_TREE: RegionTree | None = None


def get_tree() -> RegionTree:
    """The process-wide region tree."""
    global _TREE
    if _TREE is None:
        with _LOCK:
            if _TREE is None:
                _TREE = RegionTree()
    return _TREE


def ancestors(place: Place) -> list[str]:
    """Stable keys of ``place`` and everything containing it, most specific first:
    ``[place, admin1?, areas…, countries…, regions…, "world"]``."""
    from bot.analysis.places import get_gazetteer

    tree = get_tree()
    if place.key == WORLD:
        return [WORLD]
    if place.kind == "region":
        slug = place.key.split(":", 1)[1]
        mine = tree.members.get(place.key, frozenset())
        # regions that contain every country of this one
        supers = [
            k
            for k, ccs in tree.members.items()
            if k != place.key and mine and mine <= ccs and ccs != mine
        ]
        supers.sort(key=lambda k: (k == WORLD, len(tree.members[k]), k))
        out = [place.key, *supers]
        if slug != WORLD and WORLD not in out:
            out.append(WORLD)
        return out
    gaz = get_gazetteer()
    out: list[str] = [place.key]
    admin = gaz.admin1_key(place)
    if admin and admin not in out:
        out.append(admin)
    # a subscription stored under a province's former key still covers it
    out += [k for k in (gaz.former_keys(admin) if admin else []) if k not in out]
    for area in gaz.areas_of(place):
        if area not in out:
            out.append(area)
    countries: list[str] = []
    if place.kind == "area":
        # a named area the gazetteer lacks ("Hays district") still sits in its country
        countries = gaz.area_countries(place.key) or ([place.country] if place.country else [])
    elif place.country:
        countries = [place.country]
    for cc in countries:
        key = f"country:{cc}"
        if key not in out:
            out.append(key)
    regions: list[str] = []
    for cc in countries:
        for r in tree.regions_of_country(cc):
            if r not in regions:
                regions.append(r)
    regions.sort(key=lambda k: (k == WORLD, len(tree.members.get(k, ())), k))
    out.extend(r for r in regions if r not in out)
    if out[-1] != WORLD:
        out.append(WORLD)
    return out


def contains(region_key: str, place: Place) -> bool:
    """True when ``place`` lies in the place/region with key ``region_key`` (or is it)."""
    return region_key in ancestors(place)


_KIND_RANK = {"region": 5, "country": 5, "area": 4, "admin1": 3}
_CITY_HINT = re.compile(r"(?i)\s+city$")


def resolve_region(query: str) -> Place | None:
    """The place a person means when subscribing: "Afghanistan", "South Asia", "Kharkiv",
    "middle east", "world", "Kandahar Province", "helmand". Broad units win over towns of the
    same name (a subscription to "Kharkiv" covers the oblast and the city)."""
    from bot.analysis.places import get_gazetteer, norm

    q = query.strip()
    if not q:
        return None
    gaz = get_gazetteer()
    if norm(q) in {norm(a) for a in ["world", *region_defs()[0].get("aliases", [])]}:
        return gaz.get(WORLD)
    want_city = bool(_CITY_HINT.search(q))
    cands = gaz.lookup(q)
    if not cands and want_city:
        cands = gaz.lookup(_CITY_HINT.sub("", q))
    if not cands:
        return None
    if want_city and any(p.kind == "city" for p in cands):
        cands = [p for p in cands if p.kind == "city"] + [p for p in cands if p.kind != "city"]
        return cands[0]

    def rank(p: Place) -> tuple[int, int]:
        r = _KIND_RANK.get(p.kind, 0)
        if p.kind == "city":
            r = 2 if p.population >= 100000 else 1
        elif p.key.startswith("admin2:"):
            r = 1  # "Glasgow" is the city; its council area holds no town we can place in it
        return (r, p.population)

    # order of ``lookup`` breaks ties (it knows preferred aliases such as "Congo" → CD)
    best = max(enumerate(cands), key=lambda t: (rank(t[1]), -t[0]))
    return best[1]


@lru_cache(maxsize=1)
def _suggestion_names() -> tuple[tuple[str, ...], dict[str, str]]:
    from bot.analysis.places import get_gazetteer, norm

    gaz = get_gazetteer()
    names = ["World", *(r["name"] for r in region_defs())]
    for r in region_defs():
        names.extend(r.get("aliases", []))
    names.extend(gaz.names(min_population=100000))
    display: dict[str, str] = {}
    for n in names:
        display.setdefault(norm(n), n)
    return tuple(display), display


def suggest(query: str, n: int = 5) -> list[str]:
    """Closest known names for a possibly misspelt query ("Afganistan" → "Afghanistan")."""
    from bot.analysis.places import norm

    keys, display = _suggestion_names()
    q = norm(query)
    if not q:
        return []
    hits = difflib.get_close_matches(q, keys, n=n * 3, cutoff=0.6)
    prefix = [k for k in keys if k.startswith(q) and k not in hits] if len(q) >= 3 else []
    out: list[str] = []
    for k in [*hits, *sorted(prefix, key=len)]:
        name = display[k]
        if name not in out:
            out.append(name)
        if len(out) >= n:
            break
    return out
