"""bot.service.analysis_pool: articles read and analysed in worker processes (issue 9) give
the same results as in the service process, every worker is a process of its own, a
worker that dies is replaced, and the pipeline runs through the pool."""

from __future__ import annotations

import asyncio
import html
import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from articles import AFGHAN, AFGHAN_COPY, QUIET, UKRAINE

from bot.analysis.analyze import Analyzer
from bot.analysis.article import ArticleError
from bot.service.analysis_pool import (
    AnalysisCrashed,
    AnalysisPool,
    default_workers,
    read_and_analyze,
)
from config.settings import Settings

pytestmark = pytest.mark.slow

SAMPLES = Path(__file__).resolve().parent.parent / "config" / "data" / "samples"
SETTINGS = Settings(_env_file=None, allow_private_networks=True)
MIME = "text/html; charset=utf-8"


def html_page(title: str, text: str, site: str = "Test Wire") -> str:
    paras = "".join(f"<p>{html.escape(p)}</p>" for p in text.split("\n\n") if p.strip())
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}'
        f'</title><meta property="og:site_name" content="{site}">'
        '<meta property="article:published_time" content="2026-03-03T06:00:00Z"></head>'
        f"<body><article><h1>{html.escape(title)}</h1>{paras}</article></body></html>"
    )


def pages() -> list[tuple[str, str]]:
    found = [(f"https://news.example/{i}", html_page(*a))
             for i, a in enumerate([AFGHAN, AFGHAN_COPY, UKRAINE, QUIET])]
    for path in sorted(SAMPLES.glob("*.txt")):
        title, _, body = path.read_text(encoding="utf-8").partition("\n")
        found.append((f"https://news.example/{path.stem}", html_page(title.strip(), body)))
    return found


def as_data(result: tuple[object, object]) -> tuple[object, ...]:
    article, analysis = result
    return (
        article.text, article.title, article.url, article.published, article.site_name,  # type: ignore[attr-defined]
        analysis.to_json(),  # type: ignore[attr-defined]
        [e.to_record() for e in analysis.events],  # type: ignore[attr-defined]
    )


@pytest.fixture(scope="module")
def pool() -> Iterator[AnalysisPool]:
    # The executor belongs to no event loop: started once, used from every test's loop.
    pool = AnalysisPool(SETTINGS, workers=2)
    asyncio.run(pool.start())
    try:
        yield pool
    finally:
        asyncio.run(pool.close())


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    a = Analyzer(SETTINGS)
    a.warm_up()
    return a


def test_workers_default_to_one_per_cpu_and_zero_means_in_process(monkeypatch) -> None:
    cpus = len(os.sched_getaffinity(0))
    assert Settings(_env_file=None).analysis_workers is None
    assert default_workers(Settings(_env_file=None)) == cpus
    monkeypatch.setenv("NEWSBOT_ANALYSIS_WORKERS", "0")
    assert default_workers(Settings(_env_file=None)) == 0
    with pytest.raises(ValueError):
        AnalysisPool(SETTINGS, workers=0)


async def test_two_worker_processes_give_the_in_process_results(
    pool: AnalysisPool, analyzer: Analyzer
) -> None:
    assert len(pool.pids) == 2 and os.getpid() not in pool.pids
    cases = pages()
    pooled = await asyncio.gather(*(pool.read(text, url, MIME) for url, text in cases))
    for (url, text), got in zip(cases, pooled, strict=True):
        assert as_data(got) == as_data(read_and_analyze(analyzer, text, url, MIME)), url
    assert any(got[1].events for got in pooled)


async def test_an_unreadable_page_is_the_same_article_error(
    pool: AnalysisPool, analyzer: Analyzer
) -> None:
    bad = "<html><body><nav>Home</nav></body></html>"
    with pytest.raises(ArticleError) as in_process:
        read_and_analyze(analyzer, bad, "https://news.example/empty", MIME)
    with pytest.raises(ArticleError) as pooled:
        await pool.read(bad, "https://news.example/empty", MIME)
    assert str(pooled.value) == str(in_process.value)
    assert pooled.value.reason == in_process.value.reason


async def test_a_worker_that_dies_is_replaced() -> None:
    url, text = pages()[0]
    async with AnalysisPool(SETTINGS, workers=1) as pool:
        [pid] = pool.pids
        os.kill(pid, signal.SIGKILL)
        await asyncio.sleep(0.5)
        try:
            article, _ = await pool.read(text, url, MIME)
        except AnalysisCrashed:  # the executor noticed the death on this call
            article, _ = await pool.read(text, url, MIME)
        assert article.url == url
    with pytest.raises(AnalysisCrashed):
        await pool.read(text, url, MIME)  # closed
