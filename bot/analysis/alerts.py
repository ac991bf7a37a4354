"""Alert text, platform-neutral: the one-line headline, the summary and the source.

Slack Block Kit and Discord embeds are rendered from `Alert` in `handlers/`; this module
decides what an alert says, never how a platform draws it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from bot.models import Event, Place

SEVERITY_MARKERS = {"critical": "🔴", "high": "🟠", "medium": "🟡", "low": "⚪"}
SEVERITY_COLOURS = {"critical": 0xD0021B, "high": 0xF5A623, "medium": 0xF8E71C, "low": 0x9B9B9B}
TYPE_LABELS = {
    "attack": "ATTACK",
    "capture": "CAPTURE",
    "civilian_harm": "CIVILIAN HARM",
    "displacement": "DISPLACEMENT",
    "refugee_policy": "REFUGEE POLICY",
    "ceasefire": "CEASEFIRE",
    "protest": "PROTEST",
    "disaster": "DISASTER",
}
MAX_PLACES = 4


def _figures(event: Event) -> str:
    c = event.casualties
    if c is None:
        return ""
    parts = []
    qual = f"{c.qualifier} " if c.qualifier in ("at least", "more than", "over") else ""
    if c.killed:
        parts.append(f"{qual}{c.killed:,} killed")
        qual = ""
    if c.injured:
        parts.append(f"{qual}{c.injured:,} injured")
    return ", ".join(parts)


def place_phrase(places: Sequence[Place], country_name: Callable[[str], str]) -> str:
    """'Lashkar Gah, Kandahar, Herat — Afghanistan'; countries and regions by name."""
    if not places:
        return "location unknown"
    local = [p for p in places if p.kind not in ("country", "region")]
    wide = [p for p in places if p.kind in ("country", "region")]
    countries = list(dict.fromkeys(p.country for p in local if p.country))
    names = [p.name for p in local[:MAX_PLACES]]
    more = len(local) - MAX_PLACES
    if more > 0:
        names.append(f"+{more} more")
    text = ", ".join(names)
    wide_names = [p.name for p in wide if p.country not in countries]
    if countries:
        suffix = ", ".join(country_name(c) for c in countries[:2])
        text = f"{text} — {suffix}" if text else suffix
    if wide_names:
        text = ", ".join([text, *wide_names]) if text else ", ".join(wide_names)
    return text


def alert_line(event: Event, country_name: Callable[[str], str]) -> str:
    """The one-line alert: severity marker, type, places, and figures when known."""
    marker = SEVERITY_MARKERS.get(event.severity, "")
    line = f"{marker} {TYPE_LABELS.get(event.type, event.type.upper())} · " + place_phrase(
        event.places, country_name
    )
    figures = _figures(event)
    if figures:
        line += f" · {figures}"
    return line.strip()


def source_name(url: str | None, site_name: str | None = None) -> str:
    """A readable source: the site's own name, else the host without 'www.'."""
    if site_name:
        return site_name
    if url:
        host = urlsplit(url).hostname or ""
        return host.removeprefix("www.") or "unknown source"
    return "unknown source"


@dataclass(frozen=True, slots=True)
class Alert:
    """One message for one channel: an article's events, strongest first."""

    events: tuple[Event, ...]
    lines: tuple[str, ...]  # one alert line per event, same order
    summary: str
    source: str
    url: str | None
    published: date | None
    also_reported_by: tuple[str, ...] = ()

    @property
    def severity(self) -> str:
        return self.events[0].severity if self.events else "low"

    @property
    def colour(self) -> int:
        return SEVERITY_COLOURS.get(self.severity, SEVERITY_COLOURS["low"])

    @property
    def headline(self) -> str:
        return self.lines[0] if self.lines else ""

    def footer(self) -> str:
        parts = [self.source]
        if self.published:
            parts.append(self.published.isoformat())
        if self.also_reported_by:
            parts.append(f"+{len(self.also_reported_by)} sources")
        return " · ".join(parts)

    def to_payload(self) -> dict[str, Any]:
        """A JSON-safe dict for the outbox; ``Alert.from_payload`` reads it back."""
        return {
            "events": [e.to_record() for e in self.events],
            "lines": list(self.lines),
            "summary": self.summary,
            "source": self.source,
            "url": self.url,
            "published": self.published.isoformat() if self.published else None,
            "also_reported_by": list(self.also_reported_by),
        }

    @classmethod
    def from_payload(cls, data: dict[str, Any]) -> Alert:
        return cls(
            events=tuple(Event.from_record(e) for e in data["events"]),
            lines=tuple(data["lines"]),
            summary=data["summary"],
            source=data["source"],
            url=data["url"],
            published=date.fromisoformat(data["published"]) if data["published"] else None,
            also_reported_by=tuple(data.get("also_reported_by", ())),
        )

    def to_text(self) -> str:
        """Plain text for consoles and fallbacks."""
        out = list(self.lines)
        if self.summary:
            out.append(self.summary)
        src = self.footer()
        out.append(f"{src} — {self.url}" if self.url else src)
        if self.also_reported_by:
            out.append("Also reported by: " + ", ".join(self.also_reported_by))
        return "\n".join(out)


def build_alert(
    events: Sequence[Event],
    summary: str,
    *,
    url: str | None,
    published: date | None,
    site_name: str | None,
    country_name: Callable[[str], str],
) -> Alert:
    """Bundle an article's events for one channel; sets each event's `alert` line."""
    lines = []
    for e in events:
        e.alert = e.alert or alert_line(e, country_name)
        lines.append(e.alert)
    return Alert(
        events=tuple(events),
        lines=tuple(lines),
        summary=summary,
        source=source_name(url, site_name),
        url=url,
        published=published,
    )
