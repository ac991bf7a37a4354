"""Two stories on one page: does each keep its own events and countries?

Draws pairs of labelled train items (training/wcep-2025-events.jsonl), joins each pair as the
two paragraphs of one text, as a news roundup or a live blog prints them, and compares the
events found there (type and countries) with the union of those found in each item alone.
Only pairs whose items both raise events, in two different countries, are compared. A
difference means one story's place leaked into the other's event, or two events merged.

Example:
    .venv/bin/python bench/roundup_pairs.py --seed 1 --draws 400
    .venv/bin/python bench/roundup_pairs.py --seed 2 --draws 600 --show 5
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.analysis.analyze import Analyzer  # noqa: E402
from bot.models import Article  # noqa: E402

Found = frozenset[tuple[str, tuple[str, ...]]]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="\n\n".join(__doc__.split("\n\n")[1:]),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--draws", type=int, default=400, help="pairs drawn (default 400)")
    parser.add_argument("--show", type=int, default=0, metavar="N",
                        help="print the first N differing pairs")
    parser.add_argument("--data", type=Path, default=ROOT / "training/wcep-2025-events.jsonl",
                        help="labelled items, JSON lines (default: the repository's WCEP-2025)")
    args = parser.parse_args(argv)
    if args.draws < 1:
        parser.error("--draws must be at least 1")

    items = [json.loads(line) for line in args.data.open(encoding="utf-8")]
    items = [d for d in items if d.get("split") == "train"]
    analyzer = Analyzer()
    analyzer.warm_up()

    def found(text: str) -> Found:
        events = analyzer.extractor.extract(
            Article(text=text, title="", published=date(2025, 6, 1)))
        return frozenset((e.type, tuple(sorted({p.country or "-" for p in e.places})))
                         for e in events)

    alone: dict[str, Found] = {}
    rng = random.Random(args.seed)
    compared = differ = 0
    for k in range(args.draws):
        a, b = rng.sample(items, 2)
        for d in (a, b):
            if d["id"] not in alone:
                alone[d["id"]] = found(d["text"])
        fa, fb = alone[a["id"]], alone[b["id"]]
        ca = {c for _, cs in fa for c in cs}
        cb = {c for _, cs in fb for c in cs}
        if fa and fb and not ca & cb:
            compared += 1
            both = found(f"{a['text']}\n\n{b['text']}")
            if both != fa | fb:
                differ += 1
                if differ <= args.show:
                    print(f"{a['id']} + {b['id']}\n  alone:    {sorted(fa | fb)}\n"
                          f"  together: {sorted(both)}")
        if (k + 1) % 100 == 0:
            print(f"drawn {k + 1}/{args.draws}", file=sys.stderr)
    print(f"pairs compared {compared}, differing {differ} "
          f"({differ / compared:.3f})" if compared else "no pair compared")
    return 0


if __name__ == "__main__":
    sys.exit(main())
