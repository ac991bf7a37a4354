"""Cheap text utilities shared by extraction and summaries: sentence splitting, dates."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Abbreviations after which a full stop does not end a sentence.
_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "gen", "col", "lt", "sgt", "capt", "cmdr", "adm", "gov",
    "sen", "rep", "st", "mt", "ft", "no", "vs", "etc", "jan", "feb", "mar", "apr", "jun",
    "jul", "aug", "sep", "sept", "oct", "nov", "dec", "inc", "corp", "co", "ltd", "jr", "sr",
    "dem", "rev", "u.s", "u.k", "u.n", "e.u", "a.m", "p.m", "i.e", "e.g", "approx", "est",
}
_BOUNDARY = re.compile(r"""(?<=[.!?])(["”’')\]]*)\s+(?=["“‘'(\[]?[A-Z0-9])""")
_LAST_WORD = re.compile(r"([A-Za-z][A-Za-z.]*)\.$")


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence with its character span in the text it came from."""

    text: str
    start: int
    end: int
    paragraph: int  # 0-based index of its paragraph (-1 for the title)


_LONG_WORD = re.compile(r"[^\W\d_][\w'’-]{3,}")


def is_title_case(text: str) -> bool:
    """A line written in Title Case, as many headlines are ("Gunmen Attack Villages In
    Zamfara State"): at least three words of four letters or more, nearly all capitalised.
    There a capital marks no name."""
    words = _LONG_WORD.findall(text)
    return len(words) >= 3 and sum(w[0].isupper() for w in words) >= 0.85 * len(words)


def _ends_with_abbreviation(chunk: str) -> bool:
    m = _LAST_WORD.search(chunk)
    if not m:
        return False
    word = m.group(1).lower().rstrip(".")
    # Single capital letters ("George W. Bush") and dotted acronyms ("U.S.") don't end sentences
    # unless the next word clearly starts one; we accept that trade-off for initials.
    if word in _ABBREVIATIONS or len(word) == 1:
        return True
    return bool(re.fullmatch(r"(?:[a-z]\.)+[a-z]", word))


def split_sentences(text: str) -> list[Sentence]:
    """Split text into sentences, paragraph by paragraph, keeping character offsets."""
    sentences: list[Sentence] = []
    paragraph = 0
    for pm in re.finditer(r"[^\n]+", text):
        para = pm.group(0)
        if not para.strip():
            continue
        base = pm.start()
        start = 0
        for bm in _BOUNDARY.finditer(para):
            end = bm.start() + len(bm.group(1))
            if _ends_with_abbreviation(para[start : bm.start()]):
                continue
            _append(sentences, para, base, start, end, paragraph)
            start = bm.end()
        _append(sentences, para, base, start, len(para), paragraph)
        paragraph += 1
    return sentences


def _append(
    out: list[Sentence], para: str, base: int, start: int, end: int, paragraph: int
) -> None:
    chunk = para[start:end]
    stripped = chunk.strip()
    if not stripped:
        return
    lead = len(chunk) - len(chunk.lstrip())
    s = base + start + lead
    out.append(Sentence(stripped, s, s + len(stripped), paragraph))


def normalise_paragraphs(text: str) -> str:
    """One paragraph a line, inner whitespace folded, blank lines dropped."""
    lines = (re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def normalise_name(name: str) -> str:
    """Case- and accent-insensitive form of a place name, punctuation folded."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = re.sub(r"['’ʼ`]", "", text)  # "Ma'rib" and "Marib", "N'Djamena" and "Ndjamena"
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


# A measure repeated in other units, in brackets: "a 500-pound (225-kilogram) bomb",
# "temperatures of 30.78 °C (87.40 °F)", "winds of 185 km/h (115 mph)".
_CONVERSION = re.compile(
    r"\(\s*(?:about |around |approximately |some |nearly |over |~)?[\d][\d.,]*"
    r"(?:\s?[-–]\s?[\d.,]+)?[\s-]?(?:°\s?[CF]|°|sq(?:uare)?\.? (?:ft|feet|mi|miles|km|"
    r"kilomet(?:er|re)s)|km2|km²|km/h|kph|mph|ft|feet|foot|mi|miles?|km|kilomet(?:er|re)s?|"
    r"kg|kilograms?|lbs?|pounds?|acres?|hectares?|ha|tonnes?|tons?|m|met(?:er|re)s?|cm|mm|"
    r"in|inch(?:es)?|gallons?|lit(?:er|re)s?|knots?)\)"
)


def mask_conversions(text: str) -> str:
    """``text`` with each bracketed unit conversion blanked out, the same length, so that
    the parser reads "a 500-pound (225-kilogram) World War II bomb" as "a 500-pound World
    War II bomb" (the small parser split that sentence in two at the bracket) and every
    character offset still holds."""
    return _CONVERSION.sub(lambda m: " " * len(m.group()), text)
