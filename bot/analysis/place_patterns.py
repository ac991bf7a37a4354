"""Places the text names better than the gazetteer: those it lacks, named by a place noun
('the town of Dansadau', 'Hays district', 'the municipalities of Tibú, El Tarra and
Teorama') or a qualifier ('in Harouf and Qlayleh, Lebanon'), and towns the text puts in
another country than the gazetteer's namesake ('the Lebanese city of Blida')."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from bot.analysis.places import ARABIC_ARTICLES, LIST_GOES_ON, Mention, text_place_key
from bot.analysis.text import Sentence, is_title_case
from bot.analysis.triggers import is_trigger_word
from bot.models import Place

# "as", "an", "at", "en", "ad" are English words too: joined by a space they end a name ("the
# city of Cúcuta as ELN rebels clash"), only a hyphen ties them ("as-Suwayda").
_ENGLISH_ARTICLES = {"as", "an", "at", "en", "ad"}
_PARTICLES = "|".join((*(a for a in ARABIC_ARTICLES if a not in _ENGLISH_ARTICLES), "de", "du",
                       "des", "la", "le", "del", "di", "da", "do", "dos", "das", "bin", "ibn",
                       "ben"))
_HYPHENED = "|".join(sorted(_ENGLISH_ARTICLES))
_NAME = (
    # an Arabic article may open a name in lower case: "in al-Mawasi", "near el-Fasher"
    rf"(?:(?:{'|'.join(sorted(ARABIC_ARTICLES))})-)?[A-Z][\w'’]+(?:-[\w'’]+)*"
    rf"(?:\s+(?:(?:{_PARTICLES})[- ]|(?:{_HYPHENED})-)?"
    rf"[A-Z][\w'’]+(?:-[\w'’]+)*){{0,3}}"
)


_SETTLEMENT_NOUNS = (r"towns?|villages?|city|cities|camps?|settlements?|hamlets?|locality|"
                     r"localities|communes?|townships?|ports?|neighbou?rhoods?|suburbs?|"
                     r"refugee camps?")


_RANGE_NOUNS = r"mountain ranges?|mountains?"
_AREA_NOUNS = (r"districts?|municipality|municipalities|regions?|county|counties|provinces?|"
               r"states?|governorates?|zones?|areas?|valley|islands?|departments?|"
               r"prefectures?|oblasts?|sub-?county|divisions?|territory|regency|regencies|"
               # "in the Cal Miskaad mountains", "the IL-Ameira mountains", "the Sierra
               # Nevada mountains": a range is named before the word, which belongs to its name
               rf"{_RANGE_NOUNS}")


# Capitalised as part of a name ("Orakzai District", "Intan Jaya Regency"). Not "State"
# ("Islamic State"), "Town" ("Cape Town"), "Department" ("State Department", "Police
# Department") or other words that end names of other things. A named valley, corridor,
# airport, base, crossing, bridge, dam or square is where an attack lands ("the Tirah
# Valley", "the Netzarim Corridor", "Ben Gurion Airport", "Al Udeid Air Base").
# Those of them that name a feature after a town are not that town: "the Rasht Valley" in
# Tajikistan is not Rasht in Iran, "Kandahar Airport" is a place of its own.
_FEATURE_NOUNS = r"Valleys?|Corridor|Airport|Bases?|Crossing|Bridge|Dam|Square"
_TITLE_NOUNS = (r"Districts?|Governorates?|Regency|Provinces?|County|Counties|Prefectures?|"
                r"Municipality|Oblasts?|Raions?|Regions?|Villages?|Camps?|"
                rf"Townships?|Islands?|Mountains?|{_FEATURE_NOUNS}")
_FEATURES = re.compile(_FEATURE_NOUNS)


_PATTERN_PLACES = (
    # "the towns of Tibú, El Tarra and Teorama", "the village of Sinjil"
    re.compile(rf"\b(?P<noun>{_SETTLEMENT_NOUNS}|{_AREA_NOUNS}) of (?P<name>{_NAME})"
               rf"(?P<more>(?:,\s*{_NAME})*(?:,?\s+and\s+{_NAME})?)"),
    # "Hays district", "Agam and Tanah Datar districts", "Orakzai District"
    re.compile(rf"(?P<name>{_NAME})(?P<more>(?:,\s*{_NAME})*(?:,?\s+and\s+{_NAME})?)"
               rf"(?:['’]s)? (?P<noun>{_SETTLEMENT_NOUNS}|{_AREA_NOUNS}|{_TITLE_NOUNS})\b"),
)


# Where people fled or headed, after a verb of moving: "fled the city toward Tawila",
# "many of them heading toward Kitchanga and Goma", "fled to Kakuma" (the name must be new:
# a known place, "fled Bossey Bangou for Téra", keeps the gazetteer's reading).
_FLIGHT = re.compile(
    rf"\b(?:(?:fle(?:e|es|d|eing)|head(?:s|ed|ing)?|mov(?:e|es|ed|ing)|walk(?:s|ed|ing)?|"
    rf"trek(?:s|ked|king)?)(?:\s+[\w'’-]+){{0,10}}?\s+(?:toward|towards|for)|"
    rf"fle(?:e|es|d|eing)\s+to)\s+(?P<noun>)(?:the\s+)?(?P<name>{_NAME})"
    rf"(?P<more>(?:,\s*{_NAME})*(?:,?\s+and\s+(?:toward\s+)?{_NAME})?)")

_LIST_NAME = re.compile(_NAME)

# "in Harouf and Qlayleh, Lebanon", "near Mir Ali, North Waziristan": names after a place
# preposition, qualified by a place the gazetteer knows (checked in pattern_mentions).
_QUALIFIED_HEAD = (r"\b(?:in|at|near|outside|on the outskirts of|(?:(?:air|drone|missile|"
                   r"rocket)[- ]?)?(?:strikes?|attacks?|raids?|assaults?) on|(?:re)?captur(?:e|es|"
                   r"ed|ing)|seiz(?:e|es|ed|ing)|overr(?:un|uns|an|unning)|sieges? on|"
                   r"(?:take|takes|took|taken|taking|seize|seized|gain|gains|gained) control of) "
                   rf"(?P<name>{_NAME})")
# The whole list, matched up to (``endpos``) a qualifier's start: "in Beit Jinn, Syria,
# targeting …" is "Beit Jinn" qualified by "Syria", not a list "Beit Jinn, Syria".
_QUALIFIED = re.compile(
    rf"{_QUALIFIED_HEAD}(?P<more>(?:(?:,\s*|,?\s+and\s+){_NAME})*),\s+\Z")
# "in Deir Istiya in the West Bank", "near Sosnovka in Khabarovsk Krai": the container
# after a second "in" (a province, a named area or a country: "in New Orleans and … in Las
# Vegas" names two cities)
_QUALIFIED_IN = re.compile(
    rf"{_QUALIFIED_HEAD}(?P<more>(?:(?:,\s*|,?\s+and\s+){_NAME})*)"
    r",?\s+in\s+(?:the\s+)?(?:occupied\s+|(?:north|south|east|west|central)\w*\s+)?\Z")
_QUALIFIED_HEAD_RX = re.compile(_QUALIFIED_HEAD)
_COMMA = re.compile(r",\s*")
# "Ben Gurion International Airport in Central District, Israel": the place after "in"
# holds the name as one after its comma does
_IN_AFTER = re.compile(r"\s+in\s+(?:the\s+)?(?:[\w'’]+-(?:controlled|held|occupied|run)\s+)?")


def _qualified(sentence: str, qualifier_at: dict[int, Mention]) -> list[re.Match[str]]:
    """Lists after a place preposition that end right before a known qualifier (the
    nearest one the list reaches)."""
    out = []
    for head in _QUALIFIED_HEAD_RX.finditer(sentence):
        for end in sorted(p for p in qualifier_at if p > head.end()):
            m = _QUALIFIED.match(sentence, head.start(), end)
            q = qualifier_at[end].place
            if m is None and q is not None and q.kind in ("country", "admin1", "area"):
                m = _QUALIFIED_IN.match(sentence, head.start(), end)
            if m is not None:
                out.append(m)
                break
    return out


_MONTHS = {
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "monday", "tuesday", "wednesday", "thursday",
    "friday", "saturday", "sunday",
}


_NOT_NAMES = {
    "the", "a", "an", "this", "that", "its", "their", "his", "her", "our", "one", "each",
    "every", "northern", "southern", "eastern", "western", "central", "capital", "federal",
    "special", "autonomous", "tribal", "new", "old", "border", "national", "regional", "local",
    "same", "whole", "entire", "another", "other", "nearby", "neighbouring", "neighboring",
    "industrial", "residential", "rural", "urban", "coastal", "remote", "mining", "disputed",
    "restive", "occupied", "separatist", "breakaway", "semi-autonomous", "red", "green",
    "under", "in", "at", "on", "from", "after", "before", "when", "while", "as", "but", "and",
    "some", "many", "several", "most", "all", "both", "which", "where", "since",
}
# A compound adjective says who holds or lives in a place, it does not name it:
# "Houthi-controlled areas", "the Druze-majority city of Jaramana", "Russian-occupied
# territories", "the Kurdish-held town of X".
_HOLDER_ADJECTIVE = re.compile(
    r"[\w'’]+-(?:controlled|held|occupied|administered|majority|run)",
    re.IGNORECASE)


def pattern_mentions(
    text: str, s: Sentence, known: list[Mention], dominant: str | None,
    never: Callable[[str], bool] = lambda name: False,
) -> list[Mention]:
    """Places the gazetteer lacks, named by a place noun: 'the town of Dansadau',
    'Hays district', 'the Jabal al-Zawiya area'. They take the country the sentence
    names, else the article's. ``never`` tells a group's name ('Boko Haram camps')."""
    sentence = text[s.start : s.end]
    taken = [(m.start - s.start, m.end - s.start) for m in known]
    countries = [(m.start - s.start, m.place.country) for m in known
                 if m.place is not None and m.place.country and not m.demonym]
    out: list[Mention] = []
    superseded: list[Mention] = []
    # A known place right after the comma qualifies the names before it; not one in the
    # possessive, which describes a person ("capture Abu Khadija, Iraq's most wanted")
    qualifier_at = {k.start - s.start: k for k in known
                    if k.place is not None and k.place.country and not k.demonym
                    and k.place.kind in ("country", "admin1", "city", "area")
                    and sentence[k.end - s.start : k.end - s.start + 2] not in ("'s", "’s")}
    # "in An-Naqoura and Baalbek, Lebanon": the gazetteer merged the list's last name with
    # the qualifier; the qualifier still ends the list.
    for k in known:
        q = k.qualifier
        if q is not None and k.place is not None and k.place.country and not k.demonym:
            qualifier_at.setdefault(q.start - s.start, k)
    qualified = _qualified(sentence, qualifier_at)
    patterns = (*_PATTERN_PLACES, _FLIGHT, _QUALIFIED)
    if is_title_case(sentence):
        # "Gunmen Attack Villages In Zamfara State": in a Title Case headline the words
        # before a place noun need not be a name
        patterns = tuple(p for p in patterns if p is not _PATTERN_PLACES[1])
    for pattern in patterns:
        for m in (qualified if pattern is _QUALIFIED else pattern.finditer(sentence)):
            start, end = m.span("name")
            words = m.group("name").split()
            while words and (
                words[0].lower() in _NOT_NAMES or any(w.endswith(("'s", "’s")) for w in words)
                or _HOLDER_ADJECTIVE.fullmatch(words[0])
            ):
                start += len(words[0]) + 1
                words = words[1:]
            # A last word that is no part of the name: a day ("the city of L'Aquila Monday"),
            # or an event word ("the worst hit areas of South Asia Earthquake"; before a
            # place noun it is the name's own: "Zamzam Refugee Camp")
            while len(words) > 1 and (words[-1].lower() in _MONTHS or (
                    pattern is not _PATTERN_PLACES[1] and is_trigger_word(words[-1]))):
                end -= len(words[-1]) + 1
                words = words[:-1]
            if not words or (len(words) == 1 and words[0].isupper()):
                continue  # "MST camps": an acronym names a group, not a place
            if (pattern is _PATTERN_PLACES[1] and m.group("noun") == "states"
                    and not m.group("more")):
                # "Governor Gavin Newsom states that …" is a verb, and "Baltic states",
                # "Sahel states" are groups of countries; a list names states ("Adamawa
                # and Borno states")
                continue
            if (pattern is not _QUALIFIED and never(" ".join(words))
                    and not m.group("noun").lower().startswith("region")):
                continue  # "Boko Haram camps", "a mostly Kurdish city"; a qualifier or a
                # region keeps the name ("in Providence, Rhode Island", "the Amazon region")
            reach = max(end, m.end())  # "Abu Salim district" may hold a known "Salim district"
            # a known name listed after it is another place ("the Kwamouth Territory,
            # Mai-Ndombe Province"), not a piece of this one
            listed_from = m.start("more") if m.group("more") else reach
            inside = [k for k in known if start <= k.start - s.start < listed_from
                      and k.end - s.start <= reach]
            listed = [k for k in known if listed_from <= k.start - s.start < reach]
            feature = bool(m.groupdict().get("noun")) and bool(
                _FEATURES.fullmatch(m.group("noun")))
            shared: list[str] = []
            near: list[str] = []
            if pattern is not _QUALIFIED:
                # a known place listed with the name ("the Kwamouth Territory, Mai-Ndombe
                # Province"), or right after its comma or "in", is of its country
                comma = _COMMA.match(sentence, m.end()) or _IN_AFTER.match(sentence, m.end())
                after = qualifier_at.get(comma.end()) if comma else None
                shared = [k.place.country for k in (*listed, *([after] if after else []))
                          if k.place is not None and k.place.country and not k.demonym]
                near = [cc for pos, cc in countries if 0 < start - pos <= 40]
                if feature and not shared and not near:
                    continue  # a feature's country is not guessed from the article's (an
                    # airport "stationed at" in an Israeli report of strikes on Iran), and
                    # a town it is named after stays that town ("at Goma Airport")
            if (
                inside
                and (len(words) > 1 or feature)
                and all(
                    not k.demonym and (feature or k.start - s.start > start
                                       or k.end - s.start < end)
                    for k in inside
                )
            ):
                # "Abu Salim district": the whole name, not the "Salim" the gazetteer saw
                superseded.extend(inside)
                taken = [(a, b) for a, b in taken if not (start <= a and b <= reach)]
            head_known = any(a < end and start < b for a, b in taken)
            if head_known and (pattern is _PATTERN_PLACES[1] or not m.group("more")):
                continue
            # a known head, new names listed after it: "in Spin Boldak and Bahramcha,
            # Afghanistan", "the ports of Hudaydah and Salif"
            name = " ".join(words)
            # "Nigeria's northwestern Zamfara state": a country right before it; else the
            # article's own country (a country named elsewhere in the sentence may be a speaker)
            if pattern is _QUALIFIED:
                if words[0].lower() in _MONTHS:
                    continue
                country = qualifier_at[m.end()].place.country
                settlement = True
            else:
                country = shared[0] if shared else near[-1] if near else dominant
                settlement = pattern is _FLIGHT or re.fullmatch(
                    _SETTLEMENT_NOUNS, m.group("noun"), re.IGNORECASE)
            if country is None:
                continue
            noun = m.groupdict().get("noun") or ""
            if (pattern is _PATTERN_PLACES[1] and not m.group("more")
                    and (noun[:1].isupper() or re.fullmatch(_RANGE_NOUNS, noun))):
                name, end = f"{name} {noun}", m.end("noun")  # "Orakzai District" is its name
            place = Place(
                key=text_place_key(country, name),
                name=name,
                kind="city" if settlement else "area",
                country=country,
            )
            if not head_known:
                out.append(_framed(s.start + start, s.start + end, name, place))
                taken.append((start, end))
            base = m.start("more")
            for extra in _LIST_NAME.finditer(m.group("more")):
                a, b = base + extra.start(), base + extra.end()
                word = extra.group(0)
                if (word.lower() in _NOT_NAMES or word.isupper()
                        or any(x < b and a < y for x, y in taken)):
                    continue
                other = replace(place, key=text_place_key(country, word), name=word)
                if head_known and pattern is _QUALIFIED and not re.search(
                        r"\band\s+$", sentence[max(0, a - 6) : a]):
                    # "in Beledweyne, Hiran, Somalia": between a known town and the
                    # country, an unknown name is the province that holds the town
                    other = replace(other, kind="area")
                out.append(_framed(s.start + a, s.start + b, word, other))
                taken.append((a, b))
    for k in superseded:
        if k in known:
            known.remove(k)
    out += _listed_unknowns(sentence, s.start, known, taken)
    return out


# "in Dera Ismail Khan, North Waziristan, Bannu and Bajaur": a list after a place
# preposition that ends there (punctuation, or a word of time or place after it).
_PLACE_LIST = re.compile(
    rf"\b(?:in|at|near|across) (?P<list>{_NAME}(?:,\s*{_NAME})*,?\s+and\s+{_NAME})"
    r"(?=\s*[.,;:]|\s+(?:on|in|at|since|after|before|during|this|last|over|overnight|"
    r"earlier|yesterday|today)\b|\s*$)"
)


def _listed_unknowns(
    sentence: str, offset: int, known: list[Mention], taken: list[tuple[int, int]]
) -> list[Mention]:
    """Names the gazetteer lacks, listed with at least two towns or provinces it knows of
    one country and no other: they are places of that country too."""
    out: list[Mention] = []
    spans = {(k.start - offset, k.end - offset): k for k in known}
    for m in _PLACE_LIST.finditer(sentence):
        base = m.start("list")
        items = [(base + x.start(), base + x.end(), x.group(0))
                 for x in _LIST_NAME.finditer(m.group("list"))]
        found, unknown = [], []
        for a, b, word in items:
            k = spans.get((a, b))
            if k is not None:
                found.append(k)
            elif not any(x < b and a < y for x, y in taken):
                unknown.append((a, b, word))
            else:
                found = []
                break  # part of a longer known name: not a plain list
        countries = {k.place.country for k in found if k.place is not None}
        if (len(found) < 2 or len(countries) != 1 or not unknown
                or any(k.demonym or k.place is None
                       or k.place.kind not in ("city", "admin1", "area") for k in found)):
            continue
        country = countries.pop()
        for a, b, word in unknown:
            if word.split()[0].lower() in _NOT_NAMES or word.isupper():
                continue
            place = Place(key=text_place_key(country, word), name=word, kind="city",
                          country=country)
            out.append(_framed(offset + a, offset + b, word, place))
            taken.append((a, b))
    return out


def _framed(start: int, end: int, name: str, place: Place) -> Mention:
    """A mention the text's own frame makes a place, resolved to ``place``."""
    mention = Mention(start, end, name, [place], cue="frame")
    mention.place = place
    return mention


# "the southern Lebanese city of Blida": a nationality word names the country of the place
_NATION_FRAME = re.compile(
    rf"(?P<dem>\b[A-Z][\w'’-]+) (?:{_SETTLEMENT_NOUNS}|{_AREA_NOUNS}) of $"
)
# A namesake elsewhere gives way to a qualifier's country only when it is not a big city:
# "Tehran, Iraq and Syria" is a list, "Sabra, Gaza City, Palestine" a qualified locality.
# A nationality word frames a town of any size: "the Lebanese city of Blida".
_NAMESAKE_MAX_POPULATION = 300_000
# "Tehran, Iraq and Syria": the names after the comma go on as a list of peers (LIST_GOES_ON)


# "Toul and Nabatieh, Lebanon": names listed before a qualified last one
_LIST_TO_LAST = re.compile(rf"(?:,\s*{_NAME})*,?\s+and\s+")


def _list_qualifier(sentence: str, b: int, known: list[Mention], offset: int) -> str | None:
    """The country of the qualifier that ends a list the name at ``b`` opens."""
    m = _LIST_TO_LAST.match(sentence, b)
    if m is None:
        return None
    last = next((q for q in known if q.start - offset == m.end()), None)
    if last is None or last.place is None or last.demonym:
        return None
    q = last.qualifier
    where = (q.place or (q.candidates[0] if q.candidates else None)) if q is not None else None
    if where is None or where.kind not in ("country", "admin1"):
        return None
    return where.country if where.country == last.place.country else None


def requalify(s: Sentence, known: list[Mention]) -> None:
    """Move a resolved town into the country the sentence itself gives it, when the
    gazetteer placed a namesake elsewhere: a nationality word framing it ("the Lebanese
    city of Blida") or a qualifier after it ("Sabra, Gaza City, Palestine", "X, Lebanon").
    A candidate in that country is taken when there is one; else the town as written, in
    that country."""
    sentence = s.text
    for k in known:
        if k.place is None or k.demonym or k.place.kind not in ("city", "admin1"):
            continue
        a, b = k.start - s.start, k.end - s.start
        country = None
        frame = _NATION_FRAME.search(sentence[max(0, a - 60) : a])
        if frame is not None:
            dem_end = max(0, a - 60) + frame.end("dem")
            country = next((d.place.country for d in known if d.demonym and d.place
                            and d.end - s.start == dem_end), None)
        by_nation = country is not None
        if country is None and sentence[b : b + 2] == ", ":
            after = next((q for q in known if q.start - s.start == b + 2), None)
            if (after is not None and after.place is not None and not after.demonym
                    and (after.place.kind in ("country", "admin1")
                         or (after.place.kind == "city" and after.qualifier is not None))
                    and not LIST_GOES_ON.match(sentence, after.end - s.start)):
                country = after.place.country
        if country is None:
            country = _list_qualifier(sentence, b, known, s.start)
        if country is None or country == k.place.country:
            continue
        inside = [c for c in k.candidates if c.country == country]
        if inside:
            k.place = inside[0]
            continue
        if (not by_nation and k.place.kind == "city"
                and k.place.population > _NAMESAKE_MAX_POPULATION):
            continue  # a list, not a qualifier; a nationality word leaves no doubt
        name = k.text.split(",")[0].strip()
        k.place = Place(key=text_place_key(country, name), name=name, kind="city",
                        country=country)
        k.candidates = [k.place]
        k.cue = "frame"
