"""Find two real examples for each word of config/data/clause_words.json.

    python training/word_examples.py [--write]

The parse-based checks compare tokens with the word lists of ``clause_words.json``; every
word needs two independent real texts it occurs in. This script parses the real news the
project may cite (WCEP-2025 items of January to November and the GeoVirus articles, from
``../shared/data/``) and, for each word, picks two texts of different days in which the word
(as a token's lower-case form or lemma) stands in a sentence that holds a lexicon word of
the list's event types or, for the place roles' lists, a place name (see CONTEXT), the
heads' lists preferring a sentence where the word governs the lexicon word; failing that,
a sentence with any lexicon word; failing that, any sentence (a list with "match": "text"
is looked for in the sentence's text). It prints, per list, the words whose examples would
change and those with fewer than two texts; ``--write`` stores the examples found (a new
word goes in with an empty ``examples`` list) and leaves out the words without two.
Deterministic; about a minute.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WORDS_FILE = ROOT / "config" / "data" / "clause_words.json"
SHARED = ROOT.parent / "shared" / "data"

ANY = frozenset({"*"})
PLACE = frozenset({"place"})
# Per list, what makes a sentence show the word in its role: event types whose lexicon
# words (bot.analysis.triggers) it must hold, or "word:" / "list:" for a word or another
# list's words, or "place" for a place name or demonym the gazetteer finds; the heads'
# lists (HEADS) also prefer the word governing a lexicon word.
CONTEXT: dict[str, frozenset[str]] = {
    "hypothetical_heads": ANY, "attempt_heads": ANY, "prevention_heads": ANY,
    "ban_heads": ANY, "denial_heads": ANY, "reporting_heads": ANY, "coming_about": ANY,
    "future_ok_refugee_policy": frozenset({"refugee_policy"}),
    "future_ok_ceasefire": frozenset({"ceasefire"}),
    "future_ok_protest": frozenset({"protest"}),
    "repel_heads": frozenset({"attack", "capture"}),
    "protesters": frozenset({"protest"}), "protest_gatherings": frozenset({"protest"}),
    "protest_acts": frozenset({"protest"}), "gatherings_more": frozenset({"protest"}),
    "unrest_nouns": frozenset({"protest"}), "crowds": frozenset({"protest"}),
    "gather_verbs": frozenset({"protest"}), "legal_actions": frozenset({"protest"}),
    "truce_verbs": frozenset({"ceasefire"}), "truce_acts": frozenset({"ceasefire"}),
    "talks": frozenset({"ceasefire"}), "achieved": frozenset({"capture"}),
    "plans": frozenset({"displacement", "attack", "capture"}),
    "camp_place_verbs": frozenset({"word:camp"}),
    "assailants": frozenset({"word:flee", "word:fled", "word:fleeing"}),
    "find_verbs": frozenset({"list:remains"}), "remains": frozenset({"list:find_verbs"}),
    "weather_outbreaks": frozenset({"disaster"}), "warnings": frozenset({"disaster"}),
    "to_come": frozenset({"disaster"}), "forecast_verbs": frozenset({"disaster"}),
    "awaiting_of": frozenset({"disaster", "displacement"}),
    "awaiting_for": frozenset({"disaster", "displacement"}),
    "fans": frozenset({"attack", "civilian_harm"}),
    # the place roles' words: a sentence naming a place (or a demonym) shows them at work
    "actor_nouns": PLACE, "place_nouns": PLACE, "target_verbs": PLACE, "launch_verbs": PLACE,
    "place_subject_verbs": PLACE, "government_nouns": PLACE, "toll_verbs": PLACE,
    "waters": PLACE, "uprooted": PLACE,
    # the actors' words: who left is no actor of a displacement; a count names no one
    "leaving_verbs": frozenset({"displacement"}), "counts": ANY,
    # what an act answers: a sentence with an attack word shows them at work
    "motives": frozenset({"attack"}),
}
HEADS = frozenset({"hypothetical_heads", "attempt_heads", "prevention_heads", "ban_heads",
                   "denial_heads", "reporting_heads", "coming_about", "repel_heads",
                   "future_ok_refugee_policy", "future_ok_ceasefire", "future_ok_protest",
                   "truce_verbs", "truce_acts", "achieved", "plans"})


def real_texts() -> list[tuple[str, str]]:
    """(id, text) of the real news an entry may cite, in a fixed order."""
    from bot.analysis.evaluate_places import load_geovirus

    texts = []
    with open(SHARED / "wcep-2025.jsonl", encoding="utf-8") as f:
        for line in f:
            item = json.loads(line)
            if not item["id"].startswith("wcep-2025-12"):  # December stays untouched
                texts.append((item["id"], item["text"]))
    texts += [(f"geovirus:{n}", a.text)
              for n, a in enumerate(load_geovirus(SHARED / "GeoVirus.xml"))]
    return texts


def candidates(lists: dict[str, frozenset[str]], text_lists: frozenset[str] = frozenset(),
               ) -> dict[tuple[str, str], list[tuple[int, str]]]:
    """Per (list, word), (tier, text id) of every sentence showing the word: tier 0 in its
    role, 1 in its context but not governing a lexicon word (heads only), 2 in a sentence
    with any lexicon word, 3 anywhere. The lists of ``text_lists`` are looked for in the
    sentence's text, as the analysis reads them ("army's"), not token by token."""
    from bot.analysis.nlp import get_nlp
    from bot.analysis.places import get_gazetteer
    from bot.analysis.triggers import find_triggers

    texts = real_texts()
    gazetteer = get_gazetteer()
    found: dict[tuple[str, str], list[tuple[int, str]]] = defaultdict(list)
    docs = get_nlp().pipe((t for _, t in texts), batch_size=64)
    for n, ((text_id, text), doc) in enumerate(zip(texts, docs, strict=True), 1):
        if n % 500 == 0:
            print(f"parsed {n}/{len(texts)} texts", file=sys.stderr, flush=True)
        hits = find_triggers(text)
        places = [m.start for m in gazetteer.resolve(gazetteer.find_mentions(text), text=text)
                  if m.place is not None]
        for sent in doc.sents:
            here = [h for h in hits if sent.start_char <= h.start < sent.end_char]
            types = {h.trigger.type for h in here}
            placed = any(sent.start_char <= p < sent.end_char for p in places)
            spans = (doc.char_span(h.start, h.end, alignment_mode="expand") for h in here)
            cue_tokens = [s.root for s in spans if s is not None]
            forms = {w for t in sent for w in (t.lower_, t.lemma_.lower())}
            for name, words in lists.items():
                context = CONTEXT[name]
                in_role = placed if context is PLACE else bool(types) and (context is ANY or any(
                    (c.startswith("word:") and c[5:] in forms)
                    or (c.startswith("list:") and lists[c[5:]] & forms)
                    or c in types for c in context))
                if name in text_lists:
                    low = sent.text.lower()
                    for w in words:
                        if re.search(rf"(?<!\w){re.escape(w)}(?!\w)", low):
                            found[(name, w)].append((0 if in_role else 3, text_id))
                    continue
                for t in sent:
                    for w in {t.lower_, t.lemma_.lower()} & words:
                        tier = 0 if in_role else 2 if types else 3
                        if tier == 0 and name in HEADS and not any(
                                t in c.ancestors for c in cue_tokens):
                            tier = 1
                        found[(name, w)].append((tier, text_id))
    return found


def two_examples(seen: list[tuple[int, str]]) -> list[str]:
    """The best two texts of different days (WCEP) or articles (GeoVirus)."""
    chosen: list[str] = []
    days: set[str] = set()
    for _, text_id in sorted(set(seen)):
        day = text_id[:15] if text_id.startswith("wcep") else text_id
        if day not in days:
            chosen.append(text_id)
            days.add(day)
        if len(chosen) == 2:
            break
    return chosen


def arguments(description: str, script: str, what: str,
              argv: list[str] | None) -> argparse.Namespace | None:
    """The example finders' command line (``--write``); None, after saying so on stderr,
    when the shared news they read is absent."""
    parser = argparse.ArgumentParser(description=description,
                                     epilog=f"example: python training/{script} --write")
    parser.add_argument("--write", action="store_true",
                        help=f"store the examples found and leave out {what} without two")
    args = parser.parse_args(argv)
    if not (SHARED / "wcep-2025.jsonl").is_file():
        print(f"error: {SHARED} is absent; put the shared news beside the project",
              file=sys.stderr)
        return None
    return args


def main(argv: list[str] | None = None) -> int:
    args = arguments("Find two real examples for each word of config/data/clause_words.json.",
                     "word_examples.py", "words", argv)
    if args is None:
        return 2
    data = json.loads(WORDS_FILE.read_text(encoding="utf-8"))
    names = [n for n in data if not n.startswith("_")]
    if missing := [n for n in names if n not in CONTEXT]:
        print(f"error: no CONTEXT for {missing}; add one to this script", file=sys.stderr)
        return 2
    lists = {n: frozenset(e["word"] for e in data[n]["entries"]) for n in names}
    found = candidates(lists, frozenset(n for n in names if data[n].get("match") == "text"))
    changed = 0
    for name in names:
        entries = []
        for e in data[name]["entries"]:
            examples = two_examples(found.get((name, e["word"]), []))
            if examples != e["examples"]:
                changed += 1
                print(f"{name}: {e['word']}: {e['examples']} -> {examples}")
            if len(examples) == 2:
                entries.append({"word": e["word"], "examples": examples})
            else:
                print(f"{name}: {e['word']}: fewer than two real examples, left out")
        data[name]["entries"] = entries
    if args.write:
        WORDS_FILE.write_text(dump(data), encoding="utf-8")
    print(f"{changed} entries would change" if not args.write else f"{changed} entries changed")
    return 0


def dump(data: dict) -> str:
    """The file's layout: one list a block, one entry a line."""
    out = []
    for name, value in data.items():
        if name.startswith("_"):
            out.append(f"{json.dumps(name)}: {json.dumps(value, ensure_ascii=False)}")
            continue
        lines = ",\n".join("  " + json.dumps(e, ensure_ascii=False) for e in value["entries"])
        head = {k: v for k, v in value.items() if k != "entries"}  # "about", "match"
        head_json = json.dumps(head, ensure_ascii=False)[1:-1]
        out.append(f'{json.dumps(name)}: {{{head_json}, "entries": [\n{lines}\n]}}')
    return "{\n" + ",\n".join(out) + "\n}\n"


if __name__ == "__main__":
    sys.exit(main())
