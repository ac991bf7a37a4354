"""Find two real examples for each entry of the pattern word lists in config/data/.

    python training/pattern_examples.py [--write]

The trigger lexicon's context lists and false friends (``contexts.json`` and
``false_friends.json``, read by ``bot.analysis.triggers``) and the casualty word lists
(``casualty_words.json``, read by ``bot.analysis.casualties``) and the summary's stopwords
(``summary_words.json``) are regular expressions, one
entry a word or phrase, and every entry needs two independent real texts it occurs in. This
script reads the real news the project may cite (WCEP-2025 items of January to November and
the GeoVirus articles, from ``../shared/data/``) and, for each entry, picks two texts of
different days (WCEP) or articles (GeoVirus) in which the entry matches a sentence that also
holds a lexicon word of one of the list's event types ("types"); failing that, a sentence
with any lexicon word; failing that, any sentence. An entry whose examples are web pages
read by hand (where the shared news never uses the phrase) is left as it is. It prints the
entries whose examples would change and those with fewer than two texts; ``--write`` stores
the examples found and leaves out the entries without two. Deterministic; about 20 s.
"""

from __future__ import annotations

import json
import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "training"))

from word_examples import arguments, dump, real_texts, two_examples  # noqa: E402

FILES = [ROOT / "config" / "data" / name for name in ("contexts.json", "casualty_words.json",
                                                     "false_friends.json", "summary_words.json")]
PAGES = ("http://", "https://")
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”’)]?\s+(?=[\"“‘(]?[A-Z0-9])")


def entry_pattern(entry: dict) -> re.Pattern[str]:
    """An entry as the analysis reads it: a whole word or phrase, any case."""
    return re.compile(rf"\b(?:{entry['pattern']})\b", re.IGNORECASE)


def candidates(data: dict, names: list[str], texts: list[tuple[str, str]],
               ) -> dict[tuple[str, str], list[tuple[int, str]]]:
    """Per (list, pattern), (tier, text id) of every sentence of ``texts`` (id, text) the entry
    matches: tier 0 beside a lexicon word of the list's types, 1 beside any lexicon word, 2
    anywhere."""
    from bot.analysis.triggers import TRIGGERS

    by_type: dict[str, list[re.Pattern[str]]] = defaultdict(list)
    for t in TRIGGERS:
        by_type[t.type].append(t.pattern)
    every = [p for ps in by_type.values() for p in ps]
    compiled = {n: [(e["pattern"], entry_pattern(e)) for e in data[n]["entries"]] for n in names}
    found: dict[tuple[str, str], list[tuple[int, str]]] = defaultdict(list)
    for text_id, text in texts:
        for sentence in _SENTENCE_END.split(text):
            cued = any(p.search(sentence) for p in every)
            for name in names:
                matched = [(pat, rx) for pat, rx in compiled[name] if rx.search(sentence)]
                if not matched:
                    continue
                typed = cued and any(p.search(sentence)
                                     for t in data[name]["types"] for p in by_type[t])
                tier = 0 if typed else 1 if cued else 2
                for pat, _ in matched:
                    found[(name, pat)].append((tier, text_id))
    return found


def examples_for(entry: dict, seen: list[tuple[int, str]]) -> list[str]:
    """The entry's two examples: the news pages it names, read by hand where the shared news
    never uses the phrase, or else the best two texts of different days."""
    if entry["examples"] and all(x.startswith(PAGES) for x in entry["examples"]):
        return entry["examples"]
    return two_examples(seen)


def main(argv: list[str] | None = None) -> int:
    args = arguments("Find two real examples for each entry of the pattern word lists in "
                     "config/data/ (contexts, casualty words, false friends, summary words).",
                     "pattern_examples.py", "entries", argv)
    if args is None:
        return 2
    changed = 0
    texts = real_texts()  # read once for all the files
    for path in FILES:
        data = json.loads(path.read_text(encoding="utf-8"))
        names = [n for n in data if not n.startswith("_")]
        found = candidates(data, names, texts)
        for name in names:
            entries = []
            for e in data[name]["entries"]:
                examples = examples_for(e, found.get((name, e["pattern"]), []))
                if examples != e["examples"]:
                    changed += 1
                    print(f"{path.name}: {name}: {e['pattern']}: {e['examples']} -> {examples}")
                if len(examples) >= 2:
                    entries.append({**e, "examples": examples})  # a "note" stays
                else:
                    print(f"{path.name}: {name}: {e['pattern']}: fewer than two real examples,"
                          " left out")
            data[name]["entries"] = entries
        if args.write:
            path.write_text(dump(data), encoding="utf-8")
    print(f"{changed} entries would change" if not args.write else f"{changed} entries changed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
