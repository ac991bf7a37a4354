"""Cross-validate the event classifier's recipe over the train split, end to end.

    python training/crossval_events.py [--data training/wcep-2025-events.jsonl]
                                       [--epochs N] [--out held-out.jsonl]

The tune split chooses the shipped model's epoch and thresholds, and the parse-based checks
were mended on its errors, so its figures flatter the analyser. This script gives figures
on text the classifier never saw without touching the test split (December): it cuts the
train split (January-September) into its three quarters, trains the shipped recipe
(`train_events.py`, same seed and settings, the shipped model's epoch count) on two, and
runs the whole analyser (shipped thresholds, lexicon, parse-based checks, places) on the
third. It prints each quarter's event-type precision, recall, F1 and false-alarm rate and
their total; ``--out`` writes each held-out item's gold and found types for diffing.
Deterministic; about a minute and a half on one CPU.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "training"))

import train_events  # noqa: E402

QUARTERS = ("January-March", "April-June", "July-September")
SHIPPED = ROOT / "config" / "data" / "event_model" / "thresholds.json"


def quarter(item: dict) -> int:
    """0, 1 or 2: the quarter of 2025 an item of the train split was published in."""
    return (int(item["published"][5:7]) - 1) // 3


def folds(items: list[dict]) -> list[tuple[list[dict], list[dict]]]:
    """(training items, held-out items) for each quarter of the train split: the model
    for a quarter never sees an item of that quarter."""
    train = [i for i in items if i["split"] == "train"]
    return [([i for i in train if quarter(i) != q], [i for i in train if quarter(i) == q])
            for q in range(len(QUARTERS))]


def train_fold(items: list[dict], epochs: int):
    """The shipped recipe (`train_events.py`'s defaults and seed) trained on ``items``."""
    from spacy.util import fix_random_seed

    args = train_events.arguments().parse_args([])
    fix_random_seed(train_events.SEED)
    rng = random.Random(train_events.SEED)
    train = [ex for i in items for ex in train_events.sentence_examples(i)]
    nlp, examples, _ = train_events.new_classifier(train, args)
    optimizer = train_events.new_optimizer(args)
    for _ in range(epochs):
        train_events.run_epoch(nlp, examples, optimizer, rng, args.dropout)
    return nlp


def held_out_reports(items: list[dict], epochs: int, shipped: dict,
                     on_item: Callable[[int], None] | None = None) -> list:
    """Per quarter, the analyser's `Report` on the quarter with a model trained on the two
    others; ``on_item`` hears how many held-out items are done."""
    from bot.analysis.analyze import Analyzer
    from bot.analysis.evaluate import analyze_case, score_cases

    analyzer = Analyzer()
    done = 0
    reports = []
    for training, held_out in folds(items):
        nlp = train_fold(training, epochs)
        with tempfile.TemporaryDirectory() as tmp:
            # the shipped thresholds and training counts: the analyser decides as with the
            # shipped model (whether a type is too thin for the model's "no" to count
            # depends on the counts)
            train_events.install(analyzer, nlp, shipped["thresholds"],
                                 shipped["train_positives"], Path(tmp))
            reports.append(score_cases(held_out, lambda item: analyze_case(analyzer, item),
                                       lambda n, base=done: on_item and on_item(base + n)))
        done += len(held_out)
    return reports


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="example: python training/crossval_events.py --out /tmp/held-out.jsonl",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--data", type=Path, default=ROOT / "training" / "wcep-2025-events.jsonl")
    parser.add_argument("--epochs", type=int, default=None,
                        help="epochs per fold (default: the shipped model's kept epoch)")
    parser.add_argument("--out", type=Path, help="write each held-out item's types here")
    args = parser.parse_args(argv)
    if not args.data.is_file():
        parser.error(f"{args.data} not found: give the labelled WCEP file with --data")
    shipped = json.loads(SHIPPED.read_text(encoding="utf-8"))
    epochs = args.epochs or shipped["epoch"]
    items = train_events.load_items(args.data)
    total = sum(len(held) for _, held in folds(items))
    started = time.perf_counter()

    def progress(done: int) -> None:
        if done % 200 == 0 or done == total:
            print(f"\ranalysed {done}/{total} held-out items", end="", file=sys.stderr)

    reports = held_out_reports(items, epochs, shipped, progress)
    print(file=sys.stderr)
    print(f"held-out quarters of the train split, {epochs} epochs a fold, shipped thresholds")
    print(f"{'quarter':16s} {'items':>6s} {'P':>6s} {'R':>6s} {'F1':>6s} {'false alarm':>12s}")
    from bot.analysis.evaluate import TypeCounts

    total_counts = TypeCounts()
    alarms = negatives = 0
    for name, report in zip(QUARTERS, reports, strict=True):
        t = report.total
        print(f"{name:16s} {report.cases:6d} {t.precision:6.3f} {t.recall:6.3f} "
              f"{t.f1:6.3f} {report.false_alarm_rate:12.3f}")
        total_counts.tp += t.tp
        total_counts.fp += t.fp
        total_counts.fn += t.fn
        alarms += report.false_alarms
        negatives += report.negatives
    t = total_counts
    print(f"{'all':16s} {total:6d} {t.precision:6.3f} {t.recall:6.3f} {t.f1:6.3f} "
          f"{alarms / max(1, negatives):12.3f}")
    if args.out:
        with args.out.open("w", encoding="utf-8") as f:
            for report in reports:
                for r in report.results:
                    f.write(json.dumps({"id": r.id, "gold": sorted(r.gold),
                                        "found": sorted(r.predicted)}) + "\n")
    print(f"{time.perf_counter() - started:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
