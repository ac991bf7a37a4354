"""Turn HTML or plain text into an :class:`~bot.models.Article` (trafilatura for HTML).

Also refuses what newsbot cannot read — empty, binary, unextractable, too short or
non-English input — with an :class:`ArticleError` that says why.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from datetime import date
from html.parser import HTMLParser

import trafilatura
from trafilatura.settings import Document

from bot.fetch import HTML_TYPES, decode_body, sniff_binary
from bot.models import Article

MIN_WORDS = 15
RETRY_WORDS = 60  # below this, precision-mode extraction is retried for recall
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")


class ArticleError(Exception):
    """The input cannot be read as an English article; ``message`` says why.

    ``reason`` is one of: ``empty``, ``binary``, ``no_text``, ``too_short``, ``language``.
    """

    def __init__(self, message: str, *, reason: str, language: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason
        self.language = language

    def __str__(self) -> str:
        return self.message


# --------------------------------------------------------------------------- language

_STOPWORDS = {
    "en": "the and of to in is was were that for on with as by at from it its he she they "
    "have has had are be been this which said after not but an their his her who will "
    "would over into than more also about there these those when where what while "
    "could should because during against between under before since two three",
    "fr": "le la les des du une un et est dans pour que qui sur pas par avec au aux ce "
    "cette ont été sont il elle ils mais ou leur se ne plus son sa ses après selon "
    "lors été deux trois avait était sont nous vous être",
    "es": "el la los las del y en que es por con para una un se no su sus al lo como "
    "más pero fue ha han este esta son desde entre también sobre tras según dos tres "
    "hay era muy",
    "pt": "o os do da dos das em no na nos nas um uma que e é para com não por se foi "
    "mais ao seu sua também pelo pela foram segundo após dois três está são",
    "de": "der die das und ist nicht ein eine zu den dem des mit von sich auf für im "
    "auch wurde wird sind nach bei aus dass er sie wie oder über noch zwei drei einem "
    "einer eines vor zum zur",
    "it": "il lo la gli le di che è un una per non del della dei delle nel nella con si "
    "sono ha anche più ma come questo dal alla alle degli dopo secondo due tre ed",
    "nl": "de het een en van dat niet op te zijn met voor er maar om ook als bij door "
    "naar werd wordt hij zij nog dit deze uit twee drie heeft worden",
}
# Words shared with English would count an English text as partly foreign.
_EN = frozenset(_STOPWORDS["en"].split())
_OTHER = {
    lang: frozenset(words.split()) - _EN for lang, words in _STOPWORDS.items() if lang != "en"
}
LANGUAGE_NAMES = {
    "en": "English",
    "fr": "French",
    "es": "Spanish",
    "pt": "Portuguese",
    "de": "German",
    "it": "Italian",
    "nl": "Dutch",
    "ru": "Russian",
    "ar": "Arabic",
    "zh": "Chinese",
    "ja": "Japanese",
    "ko": "Korean",
}


# The blocks _script knows: one scan finds their characters, and most texts have none.
_NON_LATIN = re.compile(
    "[\u0400-\u052F\u0600-\u06FF\u0750-\u077F\uFB50-\uFEFF\u3040-\u30FF"
    "\uAC00-\uD7AF\u1100-\u11FF\u4E00-\u9FFF\u3400-\u4DBF]"
)


def _script(ch: str) -> str | None:
    cp = ord(ch)
    if 0x0400 <= cp <= 0x052F:
        return "ru"
    if 0x0600 <= cp <= 0x06FF or 0x0750 <= cp <= 0x077F or 0xFB50 <= cp <= 0xFEFF:
        return "ar"
    if 0x3040 <= cp <= 0x30FF:
        return "ja"
    if 0xAC00 <= cp <= 0xD7AF or 0x1100 <= cp <= 0x11FF:
        return "ko"
    if 0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF:
        return "zh"
    return None


def detect_language(text: str) -> str | None:
    """A light offline guess: ``"en"``, another code from :data:`LANGUAGE_NAMES`,
    ``"und"`` for a Latin-script text with almost no English words, or None when the
    text is too short or mixed to tell."""
    letters = sum(map(str.isalpha, text))
    if not letters:
        return None
    scripts = Counter(_script(ch) for ch in _NON_LATIN.findall(text) if ch.isalpha())
    if scripts and sum(scripts.values()) > 0.3 * letters:
        # Kana marks Japanese even though most of its characters are Han.
        if scripts["ja"] > 0.1 * sum(scripts.values()):
            return "ja"
        return scripts.most_common(1)[0][0]
    words = [w.lower() for w in _WORD.findall(text)]
    if len(words) < 5:
        return None
    counts = Counter(words)
    hits = {"en": sum(counts[w] for w in _EN if w in counts)}
    for lang, stop in _OTHER.items():
        hits[lang] = sum(counts[w] for w in stop if w in counts)
    best = max(hits, key=lambda lang: hits[lang])
    if best == "en":
        return "en" if hits["en"] >= 2 else None
    # Foreign names and quotes in an English story score far below its own "the/of/and".
    if hits[best] >= 3 and hits[best] >= 0.08 * len(words) and hits["en"] < 0.6 * hits[best]:
        return best
    if len(words) >= 40 and hits["en"] < 0.04 * len(words):
        return "und"
    return "en" if hits["en"] >= 0.08 * len(words) else None


def _require_english(text: str) -> str | None:
    lang = detect_language(text)
    if lang == "und":
        raise ArticleError(
            "the article does not look like English; newsbot reads English articles only",
            reason="language",
            language=lang,
        )
    if lang not in (None, "en"):
        name = LANGUAGE_NAMES.get(lang, lang)
        raise ArticleError(
            f"the article looks like {name} ({lang}); newsbot reads English articles only",
            reason="language",
            language=lang,
        )
    return lang


# --------------------------------------------------------------------------- checks


def _check_not_binary(text: str) -> None:
    if "\x00" in text:
        raise ArticleError(
            "the input is binary data (it contains NUL bytes), not an article; give an "
            "HTML page or plain text",
            reason="binary",
        )
    sample = text[:20_000]
    bad = sum(
        1
        for ch in sample
        if ch == "\ufffd" or (unicodedata.category(ch) == "Cc" and ch not in "\t\n\r\f")
    )
    if sample and bad > 0.05 * len(sample):
        raise ArticleError(
            "the input looks like binary or wrongly decoded data (many control or "
            "undecodable characters), not an article; give an HTML page or UTF-8 text",
            reason="binary",
        )


def _check_text(text: str, *, where: str) -> str | None:
    """Refuse too-short or non-English text; returns the detected language."""
    language = _require_english(text)
    words = _WORD.findall(text)
    if len(words) < MIN_WORDS:
        raise ArticleError(
            f"the {where} is too short to be an article ({len(words)} words; at least "
            f"{MIN_WORDS} are needed)",
            reason="too_short",
        )
    return language


def _empty(what: str) -> ArticleError:
    return ArticleError(f"the {what} is empty; there is no article to read", reason="empty")


# --------------------------------------------------------------------------- parsing


def _paragraphs(text: str) -> str:
    return "\n\n".join(" ".join(line.split()) for line in text.splitlines() if line.strip())


class _TitleFinder(HTMLParser):
    """``og:title`` and ``<title>``, for when trafilatura finds no title."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.og_title: str | None = None
        self.title: str | None = None
        self._in_title = False
        self._buf: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        if tag == "meta" and (a.get("property") or a.get("name", "")).lower() == "og:title":
            self.og_title = self.og_title or " ".join(a.get("content", "").split()) or None
        elif tag == "title" and self.title is None:
            self._in_title = True

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self._buf.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "title" and self._in_title:
            self._in_title = False
            self.title = " ".join("".join(self._buf).split()) or None


def _fallback_title(html: str) -> str:
    finder = _TitleFinder()
    try:
        finder.feed(html[:262_144])
        finder.close()
    except AssertionError:
        pass  # HTMLParser gives up on some broken markup; keep what it found
    return finder.og_title or finder.title or ""


def _to_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _extract(html: str, url: str | None, *, recall: bool) -> Document | None:
    try:
        doc = trafilatura.bare_extraction(
            html,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=False,
            favor_precision=not recall,
            favor_recall=recall,
        )
    except ValueError:
        return None
    return doc if doc is not None and not isinstance(doc, dict) else None


_BOILERPLATE = re.compile(
    r"(advertisement|advertisements|advert|sponsored( content)?|skip advertisement"
    r"|story continues below( advertisement)?|continue reading|read more|share( this article)?"
    r"|scroll to continue( with content)?)\W*",
    re.IGNORECASE,
)


# A link to another story inside the body: "Related: …", "READ MORE: …", "See also – …".
# Its headline is news of another day and place; read as this article's, it raises alerts.
_TEASER = re.compile(
    r"(?:related(?: stories| articles| content| coverage| reading| news)?|(?:read|see) more"
    r"|read also|also read|see also|recommended(?: reading)?|more on this(?: story)?"
    r"|editor['’]s picks?|watch|listen)(?:\s*[:|–—]|\s+-)\s*\S",
    re.IGNORECASE,
)
# A heading over a list of such links: "Related stories", "Most read", "More from World".
_TEASER_HEADING = re.compile(
    r"(?:related(?: stories| articles| content| coverage| news)?|most (?:read|popular|viewed)"
    r"|more (?:from|on) [\w ]{2,30}|you (?:may|might) also like|recommended(?: for you)?"
    r"|top stories|trending(?: now)?|latest news|editor['’]s picks?)\W*",
    re.IGNORECASE,
)
# A picture's caption copied with the text: "FILE PHOTO: …" shows an older scene, and a
# web page's "Image caption, …" / "Image source, …" lines are labels, not the report.
_CAPTION = re.compile(
    r"(?:file photo|image caption|image source|media caption|photo|picture)\s*[:,]\s*\S",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.!?…][\"”’')\]]*$")


def drop_teasers(paragraphs: list[str]) -> list[str]:
    """The paragraphs without boilerplate, captions and links to other stories: a teaser
    line, or a heading such as "Related stories" with the headline-like lines (short, no
    full stop) under it."""
    out: list[str] = []
    in_list = False
    for p in paragraphs:
        if _TEASER_HEADING.fullmatch(p):
            in_list = True
            continue
        if in_list and len(p.split()) <= 20 and not _SENTENCE_END.search(p):
            continue
        in_list = False
        if _BOILERPLATE.fullmatch(p) or _TEASER.match(p) or _CAPTION.match(p):
            continue
        out.append(p)
    return out


def _article_text(doc: Document | None) -> str:
    if doc is None:
        return ""
    return "\n\n".join(drop_teasers(_paragraphs(doc.text or "").split("\n\n")))


def parse_html(html: str, url: str | None = None) -> Article:
    """Extract the article in ``html``: title, text (paragraphs joined by a blank line),
    publication date, site name and language. Raises :class:`ArticleError`."""
    if not html.strip():
        raise _empty("HTML page")
    _check_not_binary(html)
    # Precision keeps ads and link lists out of the text that events are read from; a
    # meagre result (short briefs, odd layouts) is retried favouring recall.
    doc = _extract(html, url, recall=False)
    text = _article_text(doc)
    if len(_WORD.findall(text)) < RETRY_WORDS:
        retry = _extract(html, url, recall=True)
        retry_text = _article_text(retry)
        if len(retry_text) > len(text):
            doc, text = retry, retry_text
    if not text:
        raise ArticleError(
            "no readable article text could be extracted from the HTML (it may be "
            "malformed, a script-only page, or not an article); try the plain text instead",
            reason="no_text",
        )
    language = _check_text(text, where="extracted article text")
    assert doc is not None
    title = " ".join((doc.title or "").split()) or _fallback_title(html)
    first, _, rest = text.partition("\n\n")
    if rest and title and first.casefold() == title.casefold():
        text = rest  # the page's <h1> repeats the title; keep it once, in ``title``
    return Article(
        text=text,
        title=title,
        url=url,
        published=_to_date(doc.date),
        site_name=doc.sitename or None,
        language=language or doc.language or None,
    )


def parse_text(
    text: str,
    title: str | None = None,
    *,
    url: str | None = None,
    published: date | None = None,
    site_name: str | None = None,
    id: str | None = None,
) -> Article:
    """An article from plain text. Blank lines separate paragraphs; where the text has
    none, each line is a paragraph. Raises :class:`ArticleError`."""
    if not text.strip():
        raise _empty("text")
    _check_not_binary(text)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if any(not line.strip() for line in lines[1:-1]):
        blocks = re.split(r"\n\s*\n", "\n".join(lines))
        body = "\n\n".join(" ".join(b.split()) for b in blocks if b.strip())
    else:
        body = _paragraphs(text)
    body = "\n\n".join(drop_teasers(body.split("\n\n"))) or body
    language = _check_text(body, where="text")
    return Article(
        text=body,
        title=" ".join((title or "").split()),
        url=url,
        published=published,
        site_name=site_name,
        language=language,
        id=id,
    )


def _looks_like_html(text: str) -> bool:
    head = text[:5000].lower()
    if head.lstrip().startswith(("<!doctype html", "<html", "<?xml")):
        return True
    tags = re.findall(r"<(?:html|head|body|p|div|article|section|span|br|h[1-6])[\s/>]", head)
    return len(tags) >= 2


def load_article(
    data: bytes | str,
    *,
    url: str | None = None,
    content_type: str | None = None,
    title: str | None = None,
) -> Article:
    """An article from raw input, HTML or plain text: ``content_type`` decides when
    given (``text/html; charset=…``), else the content is sniffed. A ``title`` passed
    in wins over the one found in HTML. Raises :class:`ArticleError`."""
    mime, _, params = (content_type or "").partition(";")
    mime = mime.strip().lower()
    charset = None
    for param in params.split(";"):
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip("\"'") or None
    if isinstance(data, bytes):
        if not data.strip():
            raise _empty("input")
        what = sniff_binary(data, charset)
        if what is not None:
            raise ArticleError(
                f"the input looks like {what}, not an article; give an HTML page or plain text",
                reason="binary",
            )
        head = data[:5000].decode("latin-1")
        is_html = mime in HTML_TYPES if mime else _looks_like_html(head)
        text, _ = decode_body(data, charset, html=is_html)
    else:
        text = data
        is_html = mime in HTML_TYPES if mime else _looks_like_html(text)
    if is_html:
        article = parse_html(text, url)
        if title:
            article.title = " ".join(title.split())
        return article
    return parse_text(text, title, url=url)
