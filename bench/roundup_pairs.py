"""Two or more stories on one page: does each keep its own events and countries?

Draws pairs (or, with --stories N, sets of N) of labelled train items
(training/wcep-2025-events.jsonl), joins them as the paragraphs of one text, as a news
roundup or a live blog prints them, and compares the events found there (type and
countries) with the union of those found in each item alone. Only pages whose items all
raise events, each in countries of its own, are compared. A difference means one story's
place leaked into another's event, or two events merged.

Example:
    .venv/bin/python bench/roundup_pairs.py --seed 1 --draws 400
    .venv/bin/python bench/roundup_pairs.py --seed 2 --draws 600 --show 5
    .venv/bin/python bench/roundup_pairs.py --seed 3 --draws 600 --stories 3
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
    parser.add_argument("--stories", type=int, default=2, metavar="N",
                        help="items joined into one page (default 2: pairs)")
    parser.add_argument("--show", type=int, default=0, metavar="N",
                        help="print the first N differing pairs")
    parser.add_argument("--data", type=Path, default=ROOT / "training/wcep-2025-events.jsonl",
                        help="labelled items, JSON lines (default: the repository's WCEP-2025)")
    args = parser.parse_args(argv)
    if args.draws < 1:
        parser.error("--draws must be at least 1")
    if args.stories < 2:
        parser.error("--stories must be at least 2")

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
        drawn = rng.sample(items, args.stories)
        for d in drawn:
            if d["id"] not in alone:
                alone[d["id"]] = found(d["text"])
        each = [alone[d["id"]] for d in drawn]
        countries = [{c for _, cs in f for c in cs} for f in each]
        if all(each) and sum(map(len, countries)) == len(set().union(*countries)):
            compared += 1
            union = frozenset().union(*each)
            together = found("\n\n".join(d["text"] for d in drawn))
            if together != union:
                differ += 1
                if differ <= args.show:
                    print(f"{' + '.join(d['id'] for d in drawn)}\n  alone:    {sorted(union)}\n"
                          f"  together: {sorted(together)}")
        if (k + 1) % 100 == 0:
            print(f"drawn {k + 1}/{args.draws}", file=sys.stderr)
    what = "pairs" if args.stories == 2 else f"pages of {args.stories} stories"
    print(f"{what} compared {compared}, differing {differ} "
          f"({differ / compared:.3f})" if compared else f"no {what} compared")
    return 0


if __name__ == "__main__":
    sys.exit(main())
