"""The analysis pipeline: source → article → events → summary and alert lines.

`Analyzer` is built once per process; it holds the loaded models and gazetteer. CPU work
runs in a worker thread when called from async code so the event loop stays free.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from datetime import date

from bot.analysis.alerts import alert_line
from bot.analysis.article import ArticleError, load_article, parse_text
from bot.analysis.events import EventExtractor
from bot.analysis.summary import summarize
from bot.analysis.toponyms import Toponym, find_toponyms
from bot.fetch import FetchError, fetch
from bot.models import Analysis, Article
from config.settings import Settings, get_settings

MAX_TOPONYM_CHARS = 100_000


class Analyzer:
    """Reads articles and finds their events. Thread-safe for sequential use."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or get_settings()
        self.extractor = EventExtractor(min_confidence=self.settings.min_confidence)
        self.timings: Counter[str] = Counter()

    def warm_up(self) -> None:
        """Load the gazetteer and the NLP model now rather than on the first article."""
        start = time.perf_counter()
        _ = self.extractor.gazetteer
        self.timings["load_places"] += time.perf_counter() - start
        start = time.perf_counter()
        _ = self.extractor.nlp
        self.extractor.classifier.thresholds  # noqa: B018 - loads the trained model
        self.timings["load_nlp"] += time.perf_counter() - start

    # -- synchronous entry points (CPU only) -------------------------------------------

    @property
    def stage_timings(self) -> Counter[str]:
        """Seconds spent per stage so far: read, places, triggers+parse, summary."""
        return self.timings + self.extractor.timings

    def analyze_article(self, article: Article) -> Analysis:
        """Events, summary and alert lines for an article already read."""
        events = self.extractor.extract(article)
        mid = time.perf_counter()
        country_name = self.extractor.gazetteer.country_name
        for event in events:
            event.alert = alert_line(event, country_name)
        summary = summarize(article.text, article.title, events)
        end = time.perf_counter()
        self.timings["summary"] += end - mid
        return Analysis(
            id=article.id,
            title=article.title,
            url=article.url,
            published=article.published,
            summary=summary,
            events=events,
        )

    def analyze_text(
        self,
        text: str,
        *,
        title: str = "",
        id: str | None = None,
        url: str | None = None,
        published: date | None = None,
    ) -> Analysis:
        """Analyse plain text; an unreadable text gives an Analysis with `error` set."""
        try:
            start = time.perf_counter()
            article = parse_text(text, title, url=url, published=published, id=id)
            self.timings["read"] += time.perf_counter() - start
        except ArticleError as exc:
            return Analysis.failed(id, str(exc), url)
        return self.analyze_article(article)

    def analyze_document(
        self,
        data: bytes | str,
        *,
        id: str | None = None,
        url: str | None = None,
        content_type: str | None = None,
        title: str | None = None,
    ) -> Analysis:
        """Analyse HTML or plain text (sniffed); errors land in `Analysis.error`."""
        try:
            start = time.perf_counter()
            article = load_article(data, url=url, content_type=content_type, title=title)
            self.timings["read"] += time.perf_counter() - start
        except ArticleError as exc:
            return Analysis.failed(id, str(exc), url)
        article.id = id
        article.url = article.url or url
        return self.analyze_article(article)

    def find_toponyms(self, text: str) -> list[Toponym]:
        """Every place name in ``text`` with the place it means (parsed with NER)."""
        doc = self.extractor.nlp(text[:MAX_TOPONYM_CHARS])
        return find_toponyms(self.extractor.gazetteer, text[:MAX_TOPONYM_CHARS], doc)

    # -- asynchronous entry points -------------------------------------------------------

    async def analyze_url(self, url: str, *, id: str | None = None) -> Analysis:
        """Fetch a link safely, then analyse it off the event loop."""
        try:
            start = time.perf_counter()
            page = await fetch(url, self.settings)
            self.timings["fetch"] += time.perf_counter() - start
        except FetchError as exc:
            return Analysis.failed(id, str(exc), url)
        mime = f"{page.content_type}; charset={page.charset}"
        analysis = await asyncio.to_thread(
            self.analyze_document, page.text, id=id, url=page.canonical_url, content_type=mime
        )
        return analysis

