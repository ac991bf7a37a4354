"""Scoring against hand-labelled articles (`newsbot eval`), as ../shared/eval/README.md defines.

Per case, the set of gold event types is compared with the set of predicted types.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.analysis.text import normalise_name
from bot.models import EVENT_TYPES, Analysis

if TYPE_CHECKING:
    from bot.analysis.analyze import Analyzer


def names_match(gold: str, predicted: str) -> bool:
    """'Baghlan' matches 'Baghlan-e-Markazi'; 'Gaza' matches 'Gaza Strip'."""
    g, p = normalise_name(gold), normalise_name(predicted)
    if not g or not p:
        return False
    if g == p:
        return True
    short, long_ = (g, p) if len(g) <= len(p) else (p, g)
    return long_.startswith(short + " ") or (" " + short + " ") in (" " + long_ + " ")


@dataclass
class TypeCounts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class CaseResult:
    id: str
    gold: set[str]
    predicted: set[str]
    error: str | None = None
    notes: list[str] = field(default_factory=list)


@dataclass
class Report:
    """Everything `newsbot eval` prints."""

    cases: int = 0
    total: TypeCounts = field(default_factory=TypeCounts)
    per_type: dict[str, TypeCounts] = field(default_factory=lambda: defaultdict(TypeCounts))
    headline_gold: int = 0
    headline_found: int = 0
    negatives: int = 0
    false_alarms: int = 0
    country_pairs: int = 0
    country_correct: int = 0
    gold_places: int = 0
    places_found: int = 0
    errors: int = 0
    results: list[CaseResult] = field(default_factory=list)

    @property
    def false_alarm_rate(self) -> float:
        return self.false_alarms / self.negatives if self.negatives else 0.0

    @property
    def headline_recall(self) -> float:
        return self.headline_found / self.headline_gold if self.headline_gold else 0.0

    @property
    def country_accuracy(self) -> float:
        return self.country_correct / self.country_pairs if self.country_pairs else 0.0

    @property
    def place_recall(self) -> float:
        return self.places_found / self.gold_places if self.gold_places else 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "cases": self.cases,
            "precision": round(self.total.precision, 4),
            "recall": round(self.total.recall, 4),
            "f1": round(self.total.f1, 4),
            "headline_recall": round(self.headline_recall, 4),
            "false_alarm_rate": round(self.false_alarm_rate, 4),
            "country_accuracy": round(self.country_accuracy, 4),
            "place_recall": round(self.place_recall, 4),
            "errors": self.errors,
            "per_type": {
                t: {"tp": c.tp, "fp": c.fp, "fn": c.fn, "precision": round(c.precision, 4),
                    "recall": round(c.recall, 4), "f1": round(c.f1, 4)}
                for t, c in sorted(self.per_type.items())
            },
            "cases_detail": [
                {"id": r.id, "gold": sorted(r.gold), "predicted": sorted(r.predicted),
                 "error": r.error, "notes": r.notes}
                for r in self.results
            ],
        }


def slips(report: Report, recorded: Sequence[int]) -> list[str]:
    """What ``report`` does worse than ``recorded`` (true positives, false positives, false
    alarms, right countries, gold places found) by more than one case, and any error: the
    regression guard of tests/data/regression/pins.json."""
    tp, fp, false_alarms, countries, places = recorded
    out = [f"{report.errors} errors"] if report.errors else []
    if report.total.tp < tp - 1:
        out.append(f"true positives {report.total.tp} < {tp} - 1")
    if report.total.fp > fp + 1:
        out.append(f"false positives {report.total.fp} > {fp} + 1")
    if report.false_alarms > false_alarms + 1:
        out.append(f"false alarms {report.false_alarms} > {false_alarms} + 1")
    if report.country_correct < countries - 1:
        out.append(f"right countries {report.country_correct} < {countries} - 1")
    if report.places_found < places - 1:
        out.append(f"places found {report.places_found} < {places} - 1")
    return out


def _is_local(place: dict[str, Any]) -> bool:
    return place.get("kind") not in ("country", "region")


def score_case(report: Report, gold_case: dict[str, Any], analysis: Analysis) -> None:
    """Add one labelled case and its analysis to the report."""
    gold_events: Sequence[dict[str, Any]] = gold_case.get("events") or []
    gold_types = {e["type"] for e in gold_events}
    predicted_types = {e.type for e in analysis.events}
    result = CaseResult(str(gold_case.get("id")), gold_types, predicted_types, analysis.error)
    report.cases += 1
    report.errors += analysis.error is not None
    for t in predicted_types | gold_types:
        counts = report.per_type[t]
        if t in predicted_types and t in gold_types:
            counts.tp += 1
            report.total.tp += 1
        elif t in predicted_types:
            counts.fp += 1
            report.total.fp += 1
            result.notes.append(f"false {t}")
        else:
            counts.fn += 1
            report.total.fn += 1
            result.notes.append(f"missed {t}")
    for e in gold_events:
        if e.get("headline"):
            report.headline_gold += 1
            report.headline_found += e["type"] in predicted_types
    if not gold_types:
        report.negatives += 1
        report.false_alarms += bool(predicted_types)

    for t in gold_types & predicted_types:
        gold_places = [p for e in gold_events if e["type"] == t for p in e.get("places", [])]
        predicted_places = [p for e in analysis.events if e.type == t for p in e.places]
        gold_countries = {p.get("country") for p in gold_places if p.get("country")}
        # A gold event at sea or with no place named has no country to get right.
        if gold_countries:
            report.country_pairs += 1
            if any(p.country in gold_countries for p in predicted_places):
                report.country_correct += 1
            else:
                got = sorted({p.country or "?" for p in predicted_places})
                result.notes.append(f"{t}: country {got} not in {sorted(gold_countries)}")
        seen: set[str] = set()
        for gp in gold_places:
            if not _is_local(gp) or normalise_name(gp["name"]) in seen:
                continue
            seen.add(normalise_name(gp["name"]))
            report.gold_places += 1
            if any(names_match(gp["name"], pp.name) for pp in predicted_places):
                report.places_found += 1
            else:
                names = [pp.name for pp in predicted_places]
                result.notes.append(f"{t}: place {gp['name']!r} not in {names}")
    report.results.append(result)


def analyze_case(analyzer: Analyzer, case: dict[str, Any]) -> Analysis:
    """The analysis of one labelled case's text, read with its title and publication
    date as an article would be."""
    published = date.fromisoformat(case["published"]) if case.get("published") else None
    return analyzer.analyze_text(
        case["text"], title=case.get("title") or "", id=case.get("id"), published=published
    )


def score_cases(
    cases: Iterable[dict[str, Any]],
    analyze: Callable[[dict[str, Any]], Analysis],
    on_case: Callable[[int], None] | None = None,
) -> Report:
    """The report on labelled ``cases``, each analysed by ``analyze``; ``on_case`` hears
    how many are done after each (for a progress line)."""
    report = Report()
    for done, case in enumerate(cases, 1):
        score_case(report, case, analyze(case))
        if on_case is not None:
            on_case(done)
    return report


def format_report(report: Report, *, verbose: bool = True) -> str:
    """A plain-text report: headline figures, the per-type table, per-case misses."""
    lines = [
        f"cases            {report.cases}  (errors: {report.errors})",
        f"precision        {report.total.precision:.3f}",
        f"recall           {report.total.recall:.3f}",
        f"F1               {report.total.f1:.3f}",
        f"headline recall  {report.headline_recall:.3f}",
        f"false alarm      {report.false_alarm_rate:.3f}  "
        f"({report.false_alarms} of {report.negatives} cases without events)",
        f"country accuracy {report.country_accuracy:.3f}  "
        f"({report.country_correct}/{report.country_pairs})",
        f"place recall     {report.place_recall:.3f}  "
        f"({report.places_found}/{report.gold_places})",
        "",
        f"{'type':<16}{'tp':>4}{'fp':>4}{'fn':>4}{'P':>7}{'R':>7}{'F1':>7}",
    ]
    for t in EVENT_TYPES:
        c = report.per_type.get(t)
        if c is None:
            continue
        lines.append(
            f"{t:<16}{c.tp:>4}{c.fp:>4}{c.fn:>4}{c.precision:>7.2f}{c.recall:>7.2f}{c.f1:>7.2f}"
        )
    if verbose:
        flagged = [r for r in report.results if r.notes or r.error]
        if flagged:
            lines += ["", "cases with differences:"]
            for r in flagged:
                detail = "; ".join(([f"error: {r.error}"] if r.error else []) + r.notes)
                lines.append(f"  {r.id}: {detail}")
    return "\n".join(lines)


def load_cases(lines: Iterable[str]) -> list[dict[str, Any]]:
    """Parse a labelled JSONL file; a broken line raises ValueError naming its number."""
    import json

    cases = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            case = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"line {n} is not valid JSON: {exc.msg}") from exc
        if not isinstance(case, dict) or "text" not in case:
            raise ValueError(f"line {n} has no 'text' field")
        cases.append(case)
    return cases


# --- several labelled sets at once: `newsbot eval A.jsonl B.jsonl:tune GeoVirus.xml` ----


@dataclass(frozen=True, slots=True)
class EvalSource:
    """A labelled file, optionally narrowed to one ``split`` of its cases."""

    path: Path
    split: str | None = None

    @property
    def label(self) -> str:
        return f"{self.path.name}:{self.split}" if self.split else self.path.name

    @property
    def is_toponyms(self) -> bool:
        return self.path.suffix.lower() == ".xml"

    @classmethod
    def parse(cls, spec: str) -> EvalSource:
        """``FILE`` or ``FILE:SPLIT``; raises ValueError naming what is missing."""
        path = Path(spec)
        if path.is_file():
            return cls(path)
        head, sep, split = spec.rpartition(":")
        if sep and Path(head).is_file() and split:
            return cls(Path(head), split)
        raise ValueError(f"{spec}: no such file (give FILE or FILE:SPLIT)")

    def cases(self) -> list[dict[str, Any]]:
        cases = load_cases(self.path.read_text(encoding="utf-8").splitlines())
        if self.split is None:
            return cases
        chosen = [c for c in cases if c.get("split") == self.split]
        if not chosen:
            splits = sorted({str(c.get("split")) for c in cases})
            raise ValueError(f"{self.path}: no case has split {self.split!r} (splits: {splits})")
        return chosen


def format_table(rows: Sequence[tuple[str, Any]]) -> str:
    """One line per set: event figures for labelled articles, toponym figures for XML."""
    head = (f"{'set':<34}{'cases':>6}{'P':>7}{'R':>7}{'F1':>7}{'false al.':>10}"
            f"{'country':>9}{'places':>8}")
    lines = [head, "-" * len(head)]
    for label, report in rows:
        if isinstance(report, Report):
            lines.append(
                f"{label:<34}{report.cases:>6}{report.total.precision:>7.3f}"
                f"{report.total.recall:>7.3f}{report.total.f1:>7.3f}"
                f"{report.false_alarm_rate:>10.3f}{report.country_accuracy:>9.3f}"
                f"{report.place_recall:>8.3f}"
            )
        else:
            lines.append(
                f"{label:<34}{report.articles:>6}{report.precision:>7.3f}{report.recall:>7.3f}"
                f"{report.f1:>7.3f}   toponym mentions; Acc@161 {report.acc161:.3f}, "
                f"right place {report.place_accuracy:.3f}"
            )
    return "\n".join(lines)
