"""Measure the gazetteer: load time, peak RSS, find_mentions + resolve speed.

    python bench/places_bench.py            # warm: uses the cached city index
    python bench/places_bench.py --cold     # builds the index in a fresh cache dir first

Peak RSS is this process's (the index build runs in a child process and is reported apart).
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Written for this benchmark: a made-up wire story, not from any data set.
SAMPLE = (
    "Taliban fighters pushed into the centre of Lashkar Gah on Monday, officials said, as the "
    "battle for the capital of Helmand province entered its fifth day. Government forces backed "
    "by US air strikes tried to hold the police headquarters. Fighting was also reported on the "
    "outskirts of Kandahar and in Herat, where militants attacked a United Nations compound. "
    "In Kabul, President Ashraf Ghani blamed the withdrawal of American troops. The Taliban now "
    "control several border crossings, including Spin Boldak on the frontier with Pakistan. "
    "Police in Islamabad said crossings at Chaman had risen. Mobile networks were cut in parts "
    "of Helmand. In neighbouring Kunar and Zabul provinces, officials reported clashes. In "
    "Ghazni, a bomb hit a bus. Negotiators met in Doha, Qatar's foreign ministry said. "
)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cold", action="store_true", help="build the index first")
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    if args.cold:
        os.environ["NEWSBOT_CACHE_DIR"] = tempfile.mkdtemp(prefix="newsbot-cache-")
    start_rss = peak_mb()
    t0 = time.perf_counter()
    from bot.analysis.places import get_gazetteer

    gaz = get_gazetteer()
    load = time.perf_counter() - t0
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    loaded_rss = peak_mb()
    text = SAMPLE * 8
    words = len(text.split())
    gaz.resolve(gaz.find_mentions(text))
    t0 = time.perf_counter()
    for _ in range(args.repeat):
        mentions = gaz.find_mentions(text)
    find = (time.perf_counter() - t0) / args.repeat
    t0 = time.perf_counter()
    for _ in range(args.repeat):
        gaz.resolve(gaz.find_mentions(text))
    both = (time.perf_counter() - t0) / args.repeat
    print(f"load ({'cold' if args.cold else 'warm'})         {load:.2f} s")
    if args.cold:
        print(f"index build child peak {child:.0f} MB")
    print(
        f"peak RSS               {peak_mb():.0f} MB (start {start_rss:.0f}, "
        f"after load {loaded_rss:.0f})"
    )
    print(
        f"find_mentions          {1000 * find * 1000 / words:.2f} ms per 1,000 words "
        f"({len(mentions)} mentions in {words} words)"
    )
    print(f"find_mentions+resolve  {1000 * both * 1000 / words:.2f} ms per 1,000 words")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
