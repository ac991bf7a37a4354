"""Reading and analysing articles in worker processes, so one service uses every core.

Reading an article (trafilatura) and finding its events (spaCy and the classifier) is pure
CPU work holding the GIL: in threads of one process it runs on one core however many there
are. :class:`AnalysisPool` runs it in a ``concurrent.futures.ProcessPoolExecutor`` instead
(``NEWSBOT_ANALYSIS_WORKERS`` processes, default one per CPU). Each worker builds one
:class:`~bot.analysis.analyze.Analyzer` with the service's settings when it starts (the
executor's initializer) and keeps it, so models load once per worker, not per article.
The work a worker does is exactly :func:`read_and_analyze`, the function the service runs
in a thread when the pool is off (``NEWSBOT_ANALYSIS_WORKERS=0``): the results are the same.

Workers are started with ``spawn`` (the service process has threads; forking it is not
safe), ignore SIGINT (Ctrl-C in a terminal reaches the whole process group; the service
shuts the pool down itself), and exit when the service process is gone, even after
``kill -9``. A worker that dies mid-article breaks the executor: the pool builds a new one
and the article's caller gets :class:`AnalysisCrashed`, which the pipeline retries later.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import signal
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from bot.analysis.analyze import Analyzer
from bot.analysis.article import ArticleError, load_article
from bot.models import Analysis, Article
from config.settings import Settings

log = logging.getLogger("newsbot.analysis_pool")


class AnalysisCrashed(Exception):
    """A worker process died (or the pool was shut down) while analysing an article."""


class AnalysisFailed(Exception):
    """The analysis raised in a worker; the message names the original error."""


def read_and_analyze(
    analyzer: Analyzer, text: str, url: str, content_type: str | None
) -> tuple[Article, Analysis]:
    """Read a fetched page and analyse it: what the pipeline does with every page.

    Raises :class:`~bot.analysis.article.ArticleError` when the page is no article.
    """
    article = load_article(text, url=url, content_type=content_type)
    article.url = url
    return article, analyzer.analyze_article(article)


def default_workers(settings: Settings) -> int:
    """``settings.analysis_workers``, or the CPUs this process may run on when unset."""
    if settings.analysis_workers is not None:
        return settings.analysis_workers
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


# -- inside a worker process ---------------------------------------------------------------

_analyzer: Analyzer | None = None


def _watch_parent(parent: int) -> None:
    # A worker blocked on the call queue never notices its parent die (it holds that
    # queue's write end itself), so an orphan would live on: look every second.
    while True:
        time.sleep(1.0)
        if os.getppid() != parent:
            os._exit(0)


def _init_worker(settings: Settings, parent: int, ready: Any) -> None:
    global _analyzer
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True,
                     name="newsbot-parent-watch").start()
    _analyzer = Analyzer(settings)
    _analyzer.warm_up()
    ready.put(os.getpid())


def _ready() -> int:
    return os.getpid()


def _work(text: str, url: str, content_type: str | None) -> tuple[str, Any]:
    # Errors travel back as plain values: ArticleError cannot be rebuilt by pickle (its
    # `reason` is keyword-only), and an exception that fails to unpickle would break the
    # whole executor.
    assert _analyzer is not None, "worker not initialised"
    try:
        return "ok", read_and_analyze(_analyzer, text, url, content_type)
    except ArticleError as exc:
        return "article_error", (exc.message, getattr(exc, "reason", "no_text"),
                                 getattr(exc, "language", None))
    except Exception as exc:
        return "error", f"{type(exc).__name__}: {exc}"


# -- in the service process ----------------------------------------------------------------


class AnalysisPool:
    """``await pool.start()`` (workers up, models loaded), ``await pool.read(...)``,
    ``await pool.close()``."""

    def __init__(self, settings: Settings, workers: int | None = None) -> None:
        self.settings = settings
        self.workers = default_workers(settings) if workers is None else workers
        if self.workers < 1:
            raise ValueError("an AnalysisPool needs at least one worker")
        self._context = multiprocessing.get_context("spawn")
        self._ready: Any = self._context.Queue()  # each worker's pid once its models load
        self._executor: ProcessPoolExecutor | None = None
        self._generation = 0
        self._closed = False
        self.pids: set[int] = set()  # the worker processes start() saw ready

    def _new_executor(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=self._context,
            initializer=_init_worker,
            initargs=(self.settings, os.getpid(), self._ready),
        )

    async def start(self, timeout: float = 300.0) -> None:
        """Start every worker and wait until each has loaded its models."""
        if self._executor is None:
            self._executor = self._new_executor()
        loop = asyncio.get_running_loop()
        # Submitted together, before any returns, each call starts a process of its own;
        # they fail at once if a worker cannot start (BrokenProcessPool).
        await asyncio.gather(
            *(loop.run_in_executor(self._executor, _ready) for _ in range(self.workers))
        )
        self.pids = set(await asyncio.to_thread(self._wait_ready, self.workers, timeout))
        log.info("analysis pool: %d worker processes ready", self.workers)

    def _wait_ready(self, n: int, timeout: float) -> list[int]:
        deadline = time.monotonic() + timeout
        return [self._ready.get(timeout=max(0.0, deadline - time.monotonic()))
                for _ in range(n)]

    async def read(
        self, text: str, url: str, content_type: str | None
    ) -> tuple[Article, Analysis]:
        """:func:`read_and_analyze` in a worker. Raises ``ArticleError``,
        :class:`AnalysisFailed`, or :class:`AnalysisCrashed` (then retry later)."""
        if self._closed:
            raise AnalysisCrashed("the analysis pool is shut down")
        if self._executor is None:
            self._executor = self._new_executor()
        executor, generation = self._executor, self._generation
        loop = asyncio.get_running_loop()
        try:
            kind, value = await loop.run_in_executor(executor, _work, text, url, content_type)
        except BrokenProcessPool as exc:
            self._replace(generation)
            raise AnalysisCrashed(f"an analysis worker died while reading {url}") from exc
        except RuntimeError as exc:  # "cannot schedule new futures after shutdown"
            raise AnalysisCrashed(str(exc)) from exc
        if kind == "ok":
            return value
        if kind == "article_error":
            message, reason, language = value
            raise ArticleError(message, reason=reason, language=language)
        raise AnalysisFailed(value)

    def _replace(self, generation: int) -> None:
        """Swap a broken executor for a new one (once, however many callers saw it)."""
        if self._closed or generation != self._generation:
            return
        log.error("analysis pool: a worker process died; starting new workers")
        old = self._executor
        self._generation += 1
        self._executor = self._new_executor()
        if old is not None:
            old.shutdown(wait=False, cancel_futures=True)

    async def close(self) -> None:
        """Stop the workers (articles in flight are finished first)."""
        self._closed = True
        executor, self._executor = self._executor, None
        if executor is not None:
            await asyncio.to_thread(executor.shutdown, wait=True, cancel_futures=True)
        self._ready.close()

    async def __aenter__(self) -> AnalysisPool:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()
