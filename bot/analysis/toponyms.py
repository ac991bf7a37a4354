"""Place names in running text, each with the place it means: the gazetteer proposes, the
parse's entities confirm.

A mention is kept when spaCy tags it a place (GPE, LOC, FAC), or when the gazetteer match is
strong on its own: several words, an acronym it knows, or a place frame around it ("in X",
"X province", "the town of X", "X, Kansas"). A bare capitalised word that spaCy reads as a
person, an organisation or nothing at all is not a place. Entities tagged as places that the
gazetteer match missed are looked up and resolved by the same context. Nationality words
("Afghan", "Canadian") inform the context but are not toponyms.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.analysis.places import LIST_GAP, SITE_AFTER, Gazetteer, Mention, is_direction
from bot.models import Place

if TYPE_CHECKING:
    from spacy.tokens import Doc

PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
# Suffix words that are part of the name, not a word for its kind ("Los Angeles County");
# the others ("Uttar Pradesh state", "Artibonite region") are left out of the span.
NAME_SUFFIXES = frozenset({"county", "municipality", "area"})
NOT_PLACE_LABELS = frozenset({"PERSON", "ORG", "NORP", "PRODUCT", "WORK_OF_ART", "EVENT",
                              "LAW", "LANGUAGE"})


# A settlement's noun before its name: "the town of Garissa", "the capital of …" is not.
_TOWN_OF = re.compile(r"\b(?:town|village|city|island)\s+of\s+$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Toponym:
    start: int
    end: int
    text: str
    place: Place


def _overlap(a0: int, a1: int, b0: int, b1: int) -> bool:
    return a0 < b1 and b0 < a1


def _strong(m: Mention) -> bool:
    """Strong without the parse: several words, a known acronym, or a place frame."""
    return bool(m.cue) or (len(m.text.split()) > 1 and not m.weak)


def _name_words(text: str) -> bool:
    """Only capitalised words, as the rest of one name ("Eastern" of "Eastern Creek"; not
    "the", "city" or "Cattai and")."""
    words = text.replace("-", " ").split()
    if words and words[0] in ("the", "The"):
        words = words[1:]  # "the Salinas Valley"
    return bool(words) and all(w[0].isupper() for w in words)


def _qualifier_place(gaz: Gazetteer, m: Mention) -> Place | None:
    """The container 'Helmand' of 'Lashkar Gah, Helmand' once Lashkar Gah is resolved."""
    q, inner = m.qualifier, m.place
    if q is None or inner is None:
        return None
    for c in q.candidates:
        if (c.kind == "country" and c.country == inner.country) or (
            c.kind == "admin1" and gaz.admin1_key(inner) == c.key
        ) or (c.kind == "area" and c.key in gaz.areas_of(inner)):
            return c
    return q.candidates[0] if q.candidates else None


def _never(gaz: Gazetteer, m: Mention) -> bool:
    """A name that is no place alone ("the White House", "Hamas"), unless one of its
    readings is a country or a named area (as for the gazetteer's own matches)."""
    bare = m.text[4:] if m.text.lower().startswith("the ") else m.text
    return gaz.never_a_place(bare) and not any(
        p.kind in ("country", "region", "area") for p in m.candidates[:8])


def _listed(text: str, mentions: list[Mention], k: int, n: int) -> bool:
    """Whether mentions k and n stand next to each other in a list ("X, Y and Z")."""
    a, b = (mentions[k], mentions[n]) if k < n else (mentions[n], mentions[k])
    return LIST_GAP.fullmatch(text[a.end : b.start]) is not None


def find_toponyms(gaz: Gazetteer, text: str, doc: Doc | None = None) -> list[Toponym]:
    """Toponyms of ``text`` in order. ``doc`` is the text parsed with NER; without it only
    strong gazetteer matches count."""
    ents = [e for e in doc.ents] if doc is not None else []
    places = [(e.start_char, e.end_char) for e in ents if e.label_ in PLACE_LABELS]
    others = [(e.start_char, e.end_char) for e in ents if e.label_ in NOT_PLACE_LABELS]
    # Names of people and organisations contradict even a place frame ("at Amazon");
    # a nationality or product label on a framed town is the small model's slip ("the
    # town of Toruń" as NORP, "located in Winnipeg" as PRODUCT).
    agents = [(e.start_char, e.end_char) for e in ents if e.label_ in ("PERSON", "ORG")]
    resolved = [m for m in gaz.resolve(gaz.find_mentions(text), text=text)
                if m.place is not None]
    mentions = [m for m in resolved if not m.demonym]
    spans: list[tuple[int, str]] = []  # inner end and text per mention
    keep: list[bool] = []
    # not inside a longer name of a place, a person or an organisation ("Michael Jordan",
    # "the Kenya Wildlife Service"), nor an acronym
    outside: list[bool] = []
    for m in mentions:
        assert m.place is not None
        inner_end = m.qualifier.start if m.qualifier is not None else m.end
        inner_text = text[m.start:inner_end].rstrip(" ,")
        head, _, suffix = inner_text.rpartition(" ")
        if m.cue == "suffix" and head and suffix.lower() not in NAME_SUFFIXES:
            inner_text = head  # the name without the word for its kind: "Artibonite region"
        inner_end = m.start + len(inner_text)
        spans.append((inner_end, inner_text))
        tagged = any(_overlap(m.start, inner_end, a, b) for a, b in places)
        # the whole name is a person's or an organisation's ("Jordan", "Georgia Power");
        # a place inside a longer name still names the place ("the U.S. Centers for …"),
        # and so does a country, province or named area in a place frame ("the state of
        # Uttar Pradesh", "the island of Java"),
        # and a place told by where it lies ("Edmonton, south of Cairns")
        framed = m.cue == "relative" or (
            m.cue in ("prep", "suffix") and m.place.kind in ("country", "admin1", "area")) or (
            m.place.kind == "city" and SITE_AFTER.match(text, inner_end) is not None)
        # a capital, or a town after its place noun ("the north eastern town of Garissa"),
        # that the small model calls a person or an organisation by its name alone is the
        # model's slip ("most of Harare"); a longer name still contradicts it ("Paris Hilton")
        slip = m.place.kind == "city" and (
            gaz.is_capital(m.place) or bool(_TOWN_OF.search(text[max(0, m.start - 20) : m.start])))
        contradicted = not framed and any(a <= m.start and inner_end <= b and not (
            m.cue == "acronym"
            or ((a < m.start or inner_end < b) and m.place.kind != "city")
            or (slip and a == m.start and b == inner_end)
        ) for a, b in (agents if m.cue == "prep" else others))
        # a word inside a longer place name the gazetteer lacks is not that place:
        # "Eastern Creek" is not the Creek of Texas, "Mad Cow" not Mad in Hungary
        inside = (m.place.kind in ("city", "admin1", "area") and m.cue != "suffix"
                  and " " not in inner_text) and any(
            a <= m.start and inner_end <= b and (a < m.start or inner_end < b)
            and _name_words(text[a : m.start] + " " + text[inner_end:b])
            for a, b in places)
        keep.append((tagged or ((_strong(m) or framed) and not contradicted)) and not inside)
        outside.append(not inside and not inner_text.isupper() and not any(
            a <= m.start and inner_end <= b and (a < m.start or inner_end < b)
            for a, b in agents))
    # A name the text names surely as a place elsewhere is that place wherever it stands
    # alone ("flights into Darfur and Malakal", then "the area of Malakal").
    sure = {m.place.key for m, kept in zip(mentions, keep, strict=True)
            if kept and m.place is not None}
    keep = [kept or (m.place is not None and m.place.key in sure and out_)
            for m, kept, out_ in zip(mentions, keep, outside, strict=True)]
    # A name listed beside a place is a place too, whatever the NER calls it:
    # "in Botswana, Mozambique and South Africa", "flights into Darfur and Malakal".
    changed = True
    while changed:
        changed = False
        for k, m in enumerate(mentions):
            if keep[k] or m.weak:
                continue
            for n in (k - 1, k + 1):
                if 0 <= n < len(mentions) and keep[n] and _listed(text, mentions, k, n):
                    keep[k] = changed = True
                    break
    out: list[Toponym] = []
    covered: list[tuple[int, int]] = []
    for m, (inner_end, inner_text), kept in zip(mentions, spans, keep, strict=True):
        if not kept:
            continue
        assert m.place is not None
        out.append(Toponym(m.start, inner_end, inner_text, m.place))
        covered.append((m.start, m.end))
        q = _qualifier_place(gaz, m)
        if q is not None and m.qualifier is not None:
            out.append(Toponym(m.qualifier.start, m.qualifier.end, m.qualifier.text, q))
    # places the parse found and the gazetteer match did not
    extra = [
        Mention(a, b, text[a:b], gaz.lookup(text[a:b]))
        for a, b in places
        if not any(_overlap(a, b, c, d) for c, d in covered)
        and not is_direction(text[a:b]) and not gaz.names_a_disease(text, b)
    ]
    extra = [m for m in extra if m.candidates and not _never(gaz, m)]
    if extra:
        for m in gaz.resolve(sorted(extra + resolved, key=lambda m: m.start), text=text):
            if m in extra and m.place is not None:
                out.append(Toponym(m.start, m.end, m.text, m.place))
    return sorted(out, key=lambda t: t.start)
