"""Plain data types that flow through the pipeline: article → events → alerts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

EVENT_TYPES: tuple[str, ...] = (
    "attack",
    "capture",
    "civilian_harm",
    "displacement",
    "refugee_policy",
    "ceasefire",
    "protest",
    "disaster",
)
SEVERITIES: tuple[str, ...] = ("low", "medium", "high", "critical")
PlaceKind = Literal["city", "admin1", "country", "region", "area"]


def severity_rank(severity: str) -> int:
    """0 for low … 3 for critical; unknown strings rank lowest."""
    return SEVERITIES.index(severity) if severity in SEVERITIES else 0


@dataclass(frozen=True, slots=True)
class Place:
    """A resolved place. ``key`` is unique in the gazetteer and stable across runs.

    kinds: ``city`` (any populated place), ``admin1`` (province/state),
    ``country``, ``region`` (Middle East, South Asia, …), ``area`` (named areas
    inside a country: Gaza Strip, Donbas, and second-level divisions such as Fife,
    Bulacan or Scott County, whose keys start with ``admin2:``).
    """

    key: str
    name: str
    kind: PlaceKind
    country: str | None = None  # ISO 3166-1 alpha-2
    admin1: str | None = None  # name of the first-level division
    lat: float | None = None
    lon: float | None = None
    population: int = 0

    def to_record(self) -> dict[str, Any]:
        """Everything, for storage and queues (``to_json`` is the public contract)."""
        return {
            "key": self.key, "name": self.name, "kind": self.kind, "country": self.country,
            "admin1": self.admin1, "lat": self.lat, "lon": self.lon,
            "population": self.population,
        }

    @classmethod
    def from_record(cls, data: dict[str, Any]) -> Place:
        return cls(**data)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "country": self.country,
            "admin1": self.admin1,
            "kind": self.kind,
            "lat": None if self.lat is None else round(self.lat, 4),
            "lon": None if self.lon is None else round(self.lon, 4),
        }


@dataclass(slots=True)
class Article:
    """An article's readable content, from HTML or plain text."""

    text: str
    title: str = ""
    url: str | None = None
    published: date | None = None
    site_name: str | None = None
    language: str | None = None
    id: str | None = None

    @property
    def paragraphs(self) -> list[str]:
        return [p.strip() for p in self.text.split("\n") if p.strip()]


@dataclass(slots=True)
class Casualties:
    """Casualty figures as reported: ``killed=40, qualifier="at least"``."""

    killed: int | None = None
    injured: int | None = None
    qualifier: str | None = None  # "at least", "more than", "about", "up to"
    text: str | None = None  # the phrase it came from

    @property
    def total(self) -> int:
        return (self.killed or 0) + (self.injured or 0)

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> Casualties | None:
        return None if data is None else cls(**data)

    def to_json(self) -> dict[str, Any]:
        return {
            "killed": self.killed,
            "injured": self.injured,
            "qualifier": self.qualifier,
            "text": self.text,
        }


@dataclass(slots=True)
class Event:
    """One headline event an article reports."""

    type: str
    places: list[Place]
    evidence: str
    headline: bool = False
    severity: str = "medium"
    confidence: float = 0.5
    actors: list[str] = field(default_factory=list)
    casualties: Casualties | None = None
    alert: str = ""

    def to_record(self) -> dict[str, Any]:
        """Like ``to_json`` but places keep their keys, so a record round-trips."""
        data = self.to_json()
        data["places"] = [p.to_record() for p in self.places]
        return data

    @classmethod
    def from_record(cls, data: dict[str, Any]) -> Event:
        return cls(
            type=data["type"],
            places=[Place.from_record(p) for p in data["places"]],
            evidence=data["evidence"],
            headline=data["headline"],
            severity=data["severity"],
            confidence=data["confidence"],
            actors=list(data["actors"]),
            casualties=Casualties.from_json(data["casualties"]),
            alert=data["alert"],
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "headline": self.headline,
            "severity": self.severity,
            "confidence": round(self.confidence, 2),
            "places": [p.to_json() for p in self.places],
            "actors": list(self.actors),
            "casualties": self.casualties.to_json() if self.casualties else None,
            "evidence": self.evidence,
            "alert": self.alert,
        }


@dataclass(slots=True)
class Analysis:
    """The result of analysing one article: the ``newsbot analyze`` contract."""

    id: str | None
    title: str
    url: str | None
    published: date | None
    summary: str
    events: list[Event]
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "url": self.url,
            "published": self.published.isoformat() if self.published else None,
            "summary": self.summary,
            "events": [e.to_json() for e in self.events],
            "error": self.error,
        }

    @classmethod
    def failed(cls, id: str | None, error: str, url: str | None = None) -> Analysis:
        return cls(id=id, title="", url=url, published=None, summary="", events=[], error=error)
