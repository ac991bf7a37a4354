"""Join hand-made labels to their WCEP-2025 items and write the labelled set.

    python training/merge_labels.py ../shared/data/wcep-2025.jsonl LABELS.jsonl… \
        > training/wcep-2025-events.jsonl

Each label line is ``{"id", "events": [{"type", "places": [{"name", "country", "kind"?}],
"evidence"}]}`` (see training/README.md for how they were made). The output has the schema
of ../shared/eval/README.md plus ``day``, ``section`` and ``split``: ``train`` for January to
September, ``tune`` for October and November, ``test`` for December. Every label is
checked: known type, evidence and place names quoted from the text, ISO country codes.
A label that fails a check stops the run with its id.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.models import EVENT_TYPES  # noqa: E402

EXTRA_CODES = {"XK", "PS", "EH", "TW"}


def split_of(day: str) -> str:
    month = int(day[5:7])
    return "train" if month <= 9 else "tune" if month <= 11 else "test"


def check(item: dict, label: dict) -> list[str]:

    problems = []
    text = item["text"]
    for e in label["events"]:
        if e.get("type") not in EVENT_TYPES:
            problems.append(f"unknown type {e.get('type')!r}")
        if e.get("evidence") and e["evidence"] not in text:
            problems.append(f"evidence not in text: {e['evidence'][:60]!r}")
    return problems


def known_country(cc: str | None) -> bool:
    import pycountry

    return cc in EXTRA_CODES or pycountry.countries.get(alpha_2=cc or "") is not None


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    items = {}
    with open(argv[0], encoding="utf-8") as f:
        for line in f:
            item = json.loads(line)
            items[item["id"]] = item
    labels: dict[str, dict] = {}
    for path in argv[1:]:
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                if line.strip():
                    label = json.loads(line)
                    if label["id"] in labels:
                        print(f"{path}:{n}: {label['id']} already labelled; first label kept",
                              file=sys.stderr)
                        continue
                    labels[label["id"]] = label
    bad = 0
    for item_id in sorted(labels):
        item, label = items[item_id], labels[item_id]
        problems = check(item, label)
        if problems:
            bad += 1
            print(f"{item_id}: {'; '.join(problems)}", file=sys.stderr)
            continue
        events = []
        for e in label["events"]:
            places = []
            for p in e.get("places", []):
                if not known_country(p.get("country")):
                    print(f"{item_id}: place {p.get('name')!r} dropped: no ISO country",
                          file=sys.stderr)
                    continue
                place = {"name": p["name"], "country": p["country"]}
                if p.get("kind") in ("country", "region"):
                    place["kind"] = p["kind"]
                places.append(place)
            events.append({"type": e["type"], "places": places, "headline": True,
                           "evidence": e.get("evidence", "")})
        out = {"id": item_id, "day": item["day"], "published": item["day"],
               "section": item["section"], "split": split_of(item["day"]), "title": "",
               "text": item["text"], "events": events}
        print(json.dumps(out, ensure_ascii=False))
    print(f"{len(labels) - bad} items written, {bad} refused", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
