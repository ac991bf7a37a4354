"""Benchmark `newsbot analyze --jsonl` in-process on the dev texts, models already loaded.

Prints articles per second (median of several passes), time per stage, load times and
peak RSS. Reads ../shared/eval/dev.jsonl at run time; exits 0 with a note when absent.

    .venv/bin/python bench/bench_analyze.py [--passes 5] [--file PATH]

Beside newsbot's rate it prints how many times faster it is than a plain pass of the same
spaCy pipeline over the same texts (``nlp.pipe``, every component): the yardstick for
"cheap first, parse only where the classifier sees an event". Each newsbot pass is paired
with a plain pass right after it, and the ratio is the median over the pairs, so that a
busy shared machine slows both sides of a ratio alike.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.analysis.analyze import Analyzer  # noqa: E402
from bot.cli import _analyze_record  # noqa: E402


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--file", default=str(ROOT.parent / "shared" / "eval" / "dev.jsonl"))
    parser.add_argument("--passes", type=int, default=5)
    args = parser.parse_args()
    path = Path(args.file)
    if not path.is_file():
        print(f"bench: {path} not found; nothing to measure", file=sys.stderr)
        return 0
    records = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    words = sum(len(r.get("text", "").split()) for r in records)

    rss_start = peak_rss_mb()
    analyzer = Analyzer()
    analyzer.warm_up()
    loads = dict(analyzer.timings)
    analyzer.timings.clear()
    rss_loaded = peak_rss_mb()

    nlp = analyzer.extractor.nlp

    def run_newsbot(batch: list[dict]) -> float:
        start = time.perf_counter()
        for r in batch:
            line = json.dumps(_analyze_record(analyzer, r).to_json())
            assert line
        return time.perf_counter() - start

    def run_spacy(batch: list[dict]) -> float:
        # The yardstick: one plain pass of the same spaCy pipeline over the same texts.
        start = time.perf_counter()
        for doc in nlp.pipe(f"{r.get('title', '')}\n\n{r.get('text', '')}" for r in batch):
            assert doc is not None
        return time.perf_counter() - start

    def passes(batch: list[dict], paired: bool) -> tuple[list[float], list[float]]:
        """Newsbot's rate per pass and, when paired, its ratio to a plain spaCy pass run
        right after it (pairs, so that a shared machine's slow minutes weigh on both
        sides alike)."""
        rates, ratios = [], []
        for n in range(args.passes):
            elapsed = run_newsbot(batch)
            rates.append(len(batch) / elapsed)
            note = ""
            if paired:
                plain = run_spacy(batch)
                ratios.append(plain / elapsed)
                note = f"; plain spaCy {plain:.2f} s, {plain / elapsed:.2f}x"
            print(f"pass {n + 1}: {len(batch)} articles in {elapsed:.2f} s "
                  f"({len(batch) / elapsed:.1f}/s{note})", file=sys.stderr)
        return rates, ratios

    # ~800-word articles: four dev texts joined, as a stand-in for full-length reports
    long_batch = [
        {"id": f"long-{i}", "title": records[i]["title"],
         "text": "\n\n".join(records[(i + k) % len(records)]["text"] for k in range(4))}
        for i in range(len(records))
    ]
    long_words = sum(len(r["text"].split()) for r in long_batch) / len(long_batch)
    long_rates, _ = passes(long_batch, paired=False)
    analyzer.timings.clear()
    analyzer.extractor.timings.clear()
    rates, ratios = passes(records, paired=True)

    timings = analyzer.stage_timings
    total = sum(timings.values())
    print(f"articles             {len(records)} ({words / len(records):.0f} words on average)")
    print(f"throughput (median)  {statistics.median(rates):.1f} articles/s over "
          f"{args.passes} passes, one process, one thread")
    print(f"vs plain spaCy pass  {statistics.median(ratios):.2f}x (median of {len(ratios)} "
          f"paired passes; range {min(ratios):.2f}-{max(ratios):.2f}x)")
    print(f"load: gazetteer      {loads.get('load_places', 0):.2f} s")
    print(f"load: spaCy model    {loads.get('load_nlp', 0):.2f} s")
    print(f"throughput, long     {statistics.median(long_rates):.1f} articles/s "
          f"({long_words:.0f} words on average)")
    for stage, seconds in sorted(timings.items(), key=lambda kv: -kv[1]):
        per = 1000 * seconds / (len(records) * args.passes)
        print(f"stage {stage:<14} {per:6.2f} ms/article ({100 * seconds / total:4.1f}%)")
    print(f"peak RSS             {peak_rss_mb():.0f} MB (at start {rss_start:.0f} MB, "
          f"after loading {rss_loaded:.0f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
