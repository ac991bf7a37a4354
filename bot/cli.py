"""The `newsbot` command line: analyze, eval, demo.

Exit codes: 0 success; 1 the input could not be read or fetched (message on stderr);
2 wrong usage (bad option or missing file).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import IO, Any

EXIT_OK, EXIT_INPUT, EXIT_USAGE = 0, 1, 2
log = logging.getLogger("newsbot.cli")


def _fail(message: str, code: int = EXIT_USAGE) -> int:
    from config.settings import redact_secrets

    print(f"newsbot: {redact_secrets(message)}", file=sys.stderr)
    return code


def _settings_problem(exc: ValueError) -> str:
    """One line for settings that do not load: which setting and what is wrong with it,
    never the value given (it may be a password or a token)."""
    from pydantic import ValidationError

    if isinstance(exc, ValidationError):
        problems = []
        for err in exc.errors(include_url=False, include_input=False):
            loc = [str(part) for part in err["loc"]]
            where = ".".join(loc) or "settings"
            if loc and len(loc) == 1 and not loc[0].startswith(("newsbot_", "slack_", "discord_")):
                where += f" (NEWSBOT_{loc[0].upper()})"
            problems.append(f"{where}: {err['msg']}")
        what = "; ".join(problems)
    else:  # a TOML syntax error, a list setting that is not JSON, …
        what = " ".join(str(exc).split())
    return f"bad setting: {what}; fix the environment, .env or newsbot.toml"


def _parse_date(value: Any) -> date | None:
    if not value or not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


# --- analyze --------------------------------------------------------------------------


def _print_human(result: dict[str, Any], out: IO[str]) -> None:
    if result.get("title"):
        out.write(f"{result['title']}\n")
    if result.get("url"):
        out.write(f"{result['url']}\n")
    out.write("\n")
    events = result["events"]
    if not events:
        out.write("No alertable events found.\n")
    for e in events:
        out.write(f"{e['alert']}   (confidence {e['confidence']:.2f}"
                  f"{', headline' if e['headline'] else ''})\n")
        if e["actors"]:
            out.write(f"    actors: {', '.join(e['actors'])}\n")
        out.write(f"    evidence: {e['evidence']}\n")
    if result.get("summary"):
        out.write(f"\nSummary: {result['summary']}\n")


def _analyze_one(args: argparse.Namespace) -> int:
    from bot.analysis.analyze import Analyzer

    source: str = args.source
    analyzer = Analyzer()
    if source.startswith(("http://", "https://")) or "://" in source:
        analysis = asyncio.run(analyzer.analyze_url(source))
    elif source == "-":
        analysis = analyzer.analyze_document(sys.stdin.buffer.read())
    else:
        path = Path(source)
        if not path.is_file():
            return _fail(f"{source}: no such file; give a URL, a file path or - for stdin")
        analysis = analyzer.analyze_document(path.read_bytes(), id=path.stem)
    result = analysis.to_json()
    if analysis.error:
        if args.json:
            print(json.dumps(result, ensure_ascii=False))
        return _fail(analysis.error, EXIT_INPUT)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        _print_human(result, sys.stdout)
    return EXIT_OK


def _jsonl_lines(source: str) -> Iterator[str]:
    # Bytes that are not UTF-8 become U+FFFD, line by line, from a file or stdin alike.
    if source == "-":
        for raw in sys.stdin.buffer:
            yield raw.decode("utf-8", errors="replace")
    else:
        with open(source, encoding="utf-8", errors="replace") as fh:
            yield from fh


_RECORD_TEXTS = ("title", "text", "html", "url")


def _is_unicode(value: str) -> bool:
    """False for a string with a lone surrogate (JSON "\ud800"): no text, not encodable."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _record_problem(record: Any) -> str | None:
    """Why a JSONL record cannot be analysed, or None."""
    if not isinstance(record, dict):
        return f"each line must be a JSON object, not {_json_type(record)}"
    for name in _RECORD_TEXTS:
        value = record.get(name)
        if value is not None and not isinstance(value, str):
            return f"{name!r} must be a string, not {_json_type(value)}"
        if isinstance(value, str) and not _is_unicode(value):
            return f"{name!r} is not valid Unicode (it holds a lone surrogate)"
    return None


def _json_type(value: Any) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "true/false",
             int: "a number", float: "a number", type(None): "null"}
    return names.get(type(value), type(value).__name__)


def _record_id(record: Any) -> str | None:
    rid = record.get("id") if isinstance(record, dict) else None
    if rid is None or isinstance(rid, dict | list):
        return None
    text = str(rid)
    return text if _is_unicode(text) else text.encode("utf-8", "replace").decode("utf-8")


def _analyze_record(analyzer: Any, record: Any) -> Any:
    from bot.models import Analysis

    rid = _record_id(record)
    problem = _record_problem(record)
    if problem is not None:
        return Analysis.failed(rid, problem)
    published = _parse_date(record.get("published"))
    if isinstance(record.get("text"), str):
        analysis = analyzer.analyze_text(
            record["text"], title=record.get("title") or "", id=rid, url=record.get("url"),
            published=published,
        )
    elif isinstance(record.get("html"), str):
        analysis = analyzer.analyze_document(
            record["html"], id=rid, url=record.get("url"), content_type="text/html",
            title=record.get("title"),
        )
    elif isinstance(record.get("url"), str):
        analysis = asyncio.run(analyzer.analyze_url(record["url"], id=rid))
    else:
        return Analysis.failed(rid, "the object needs a 'text', 'html' or 'url' field")
    if published and analysis.published is None and not analysis.error:
        analysis.published = published
    return analysis


def _analyze_batch(args: argparse.Namespace) -> int:
    from bot.analysis.analyze import Analyzer
    from bot.models import Analysis

    if args.jsonl != "-" and not Path(args.jsonl).is_file():
        return _fail(f"{args.jsonl}: no such file; give a JSONL file or - for stdin")
    analyzer = Analyzer()
    analyzer.warm_up()
    done = failed = 0
    started = time.perf_counter()
    for n, line in enumerate(_jsonl_lines(args.jsonl), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            analysis = Analysis.failed(None, f"line {n} is not valid JSON: {exc.msg}")
        except RecursionError:
            analysis = Analysis.failed(None, f"line {n} is JSON nested too deeply to read")
        else:
            try:
                analysis = _analyze_record(analyzer, record)
            except Exception as exc:  # one bad article must not end the batch
                log.exception("analyze --jsonl: line %d failed", n)
                analysis = Analysis.failed(
                    _record_id(record), f"could not analyse line {n} ({type(exc).__name__})"
                )
        out = json.dumps(analysis.to_json(), ensure_ascii=False)
        if not _is_unicode(out):  # a lone surrogate got through: escape it, stay valid JSON
            out = json.dumps(analysis.to_json())
        print(out, flush=True)
        done += 1
        failed += analysis.error is not None
        if done % 25 == 0:
            print(f"newsbot: {done} analysed…", file=sys.stderr)
    elapsed = time.perf_counter() - started
    print(
        f"newsbot: {done} analysed, {failed} could not be read, in {elapsed:.1f} s",
        file=sys.stderr,
    )
    return EXIT_OK


def cmd_analyze(args: argparse.Namespace) -> int:
    if args.jsonl is not None:
        if args.source is not None:
            return _fail("give either SOURCE or --jsonl FILE, not both")
        return _analyze_batch(args)
    if args.source is None:
        return _fail("missing SOURCE: a URL, a file, or - for stdin (see newsbot analyze -h)")
    return _analyze_one(args)


# --- eval -----------------------------------------------------------------------------


def cmd_eval(args: argparse.Namespace) -> int:
    from bot.analysis.analyze import Analyzer
    from bot.analysis.evaluate import (
        EvalSource,
        Report,
        format_report,
        format_table,
        score_cases,
    )
    from bot.analysis.evaluate_places import (
        format_toponym_report,
        load_geovirus,
        score_toponyms,
    )

    try:
        sources = [EvalSource.parse(spec) for spec in args.files]
        loaded = [
            (s, load_geovirus(s.path) if s.is_toponyms else s.cases()) for s in sources
        ]
    except (ValueError, OSError) as exc:
        return _fail(str(exc))
    except Exception as exc:  # a broken XML file
        return _fail(f"could not read a labelled file: {exc}")
    analyzer = Analyzer()
    analyzer.warm_up()
    rows: list[tuple[str, Any]] = []
    for source, cases in loaded:
        print(f"newsbot: scoring {source.label} ({len(cases)} cases)…", file=sys.stderr)
        if source.is_toponyms:
            found = score_toponyms(cases, lambda text: [
                (t.start, t.end, t.place) for t in analyzer.find_toponyms(text)
            ])
            rows.append((source.label, found))
            continue
        def progress(done: int, total: int = len(cases)) -> None:
            print(f"\r{done}/{total}", end="", file=sys.stderr, flush=True)

        tty = sys.stderr.isatty()
        report = score_cases(
            cases, lambda case: _analyze_record(analyzer, case), progress if tty else None
        )
        if tty:
            print(file=sys.stderr)
        rows.append((source.label, report))
    if args.json:
        out = {label: r.to_json() for label, r in rows}
        print(json.dumps(out if len(rows) > 1 else out[rows[0][0]], indent=2))
    elif len(rows) > 1:
        print(format_table(rows))
    else:
        report = rows[0][1]
        if isinstance(report, Report):
            print(format_report(report, verbose=not args.quiet))
        else:
            print(format_toponym_report(report, verbose=not args.quiet))
    return EXIT_OK


# --- demo -----------------------------------------------------------------------------


def cmd_demo(args: argparse.Namespace) -> int:
    from bot.analysis.alerts import build_alert
    from bot.analysis.analyze import Analyzer
    from config import DATA_DIR

    samples = sorted((DATA_DIR / "samples").glob("*.txt"))
    if not samples:
        return _fail("no sample articles found in the installed package", EXIT_INPUT)
    started = time.perf_counter()
    print("Loading models and the gazetteer…", file=sys.stderr)
    analyzer = Analyzer()
    analyzer.warm_up()
    for path in samples:
        title, _, body = path.read_text(encoding="utf-8").partition("\n\n")
        analysis = analyzer.analyze_text(body, title=title.strip(), id=path.stem)
        print("=" * 72)
        print(f"{analysis.title}   [{path.name}, a sample written for this demo]")
        print("-" * 72)
        if analysis.error:
            print(f"could not read: {analysis.error}")
            continue
        if not analysis.events:
            print("No alert: nothing here is a headline event.")
            print(f"Summary: {analysis.summary}")
            continue
        alert = build_alert(
            analysis.events, analysis.summary, url=f"https://example.org/{path.stem}",
            published=analysis.published, site_name="newsbot demo",
            country_name=analyzer.extractor.gazetteer.country_name,
        )
        print(alert.to_text())
    print("=" * 72)
    print(f"{len(samples)} sample articles in {time.perf_counter() - started:.1f} s",
          file=sys.stderr)
    return EXIT_OK


# --- service and its commands ---------------------------------------------------------


def _channel_ref(name: str | None) -> Any:
    """A CLI --channel NAME: a channel of the config file, or the console."""
    from bot.service.commands import ChannelRef
    from config.settings import get_settings

    settings = get_settings()
    if name in (None, "console"):
        return ChannelRef("console", "console", name="console")
    for ch in settings.channels:
        if ch.name == name:
            url = ch.url.get_secret_value() if ch.url else None
            return ChannelRef(ch.kind, ch.name, name=ch.name, webhook_url=url)
    known = ", ".join(["console", *(c.name for c in settings.channels)])
    raise ValueError(f"no channel named {name!r}; channels: {known} (see newsbot.toml)")


async def _with_commands(action: Any) -> Any:
    from bot.analysis.analyze import Analyzer
    from bot.service.commands import Commands
    from bot.service.store import Store
    from config.settings import get_settings

    settings = get_settings()
    store = await Store.open(settings.database_url)
    try:
        return await action(Commands(store, Analyzer(settings)))
    finally:
        await store.close()


def _service_command(args: argparse.Namespace) -> int:
    """Run one command-layer call and print its reply; 1 when the reply is an error."""
    try:
        channel = _channel_ref(getattr(args, "channel", None))
    except ValueError as exc:
        return _fail(str(exc))

    async def call(cmd: Any) -> Any:
        match args.command:
            case "subscribe":
                return await cmd.subscribe(channel, " ".join(args.region), args.types,
                                           args.min, by="cli")
            case "unsubscribe":
                return await cmd.unsubscribe(channel, " ".join(args.region))
            case "subscriptions":
                return await cmd.subscriptions(channel)
            case "summary":
                return await cmd.summary(" ".join(args.target), args.window)
            case "why":
                return await cmd.why(channel, args.url)
            case "feeds":
                if args.action == "add":
                    return await cmd.feed_add(args.url or "", backfill=args.backfill, by="cli")
                if args.action == "remove":
                    return await cmd.feed_remove(args.url or "")
                return await cmd.feeds()
        raise AssertionError(args.command)

    if args.command == "feeds" and args.action in ("add", "remove") and not args.url:
        return _fail(f"feeds {args.action} needs a URL, e.g. newsbot feeds {args.action} "
                     "https://example.org/rss")
    try:
        reply = asyncio.run(_with_commands(call))
    except Exception as exc:  # the database is unreachable, a migration failed, …
        return _fail(f"{exc} (check NEWSBOT_DATABASE_URL)", EXIT_INPUT)
    stream = sys.stdout if reply.ok else sys.stderr
    print(reply.text(), file=stream)
    return EXIT_OK if reply.ok else EXIT_INPUT


def log_handler(stream: IO[str]) -> logging.Handler:
    """The service's log handler: one line per record, with the user name and password of
    every URL in it hidden (feed and database URLs may carry them; tracebacks quote them)."""
    from config.settings import redact_secrets

    class RedactingFormatter(logging.Formatter):
        def format(self, record: logging.LogRecord) -> str:
            return redact_secrets(super().format(record))

    handler = logging.StreamHandler(stream)
    handler.setFormatter(RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    return handler


def cmd_run(args: argparse.Namespace) -> int:
    from bot.service.app import ConfigError, run_service
    from config.settings import get_settings

    logging.basicConfig(level=logging.INFO, handlers=[log_handler(sys.stderr)])
    try:
        return asyncio.run(run_service(get_settings()))
    except ConfigError as exc:
        return _fail(str(exc), EXIT_USAGE)


def cmd_db(args: argparse.Namespace) -> int:
    from bot.service.store import upgrade_database
    from config.settings import get_settings

    url = get_settings().database_url
    try:
        asyncio.run(upgrade_database(url))
    except Exception as exc:
        return _fail(f"could not upgrade the database: {exc}", EXIT_INPUT)
    print(f"database at {url.split('@')[-1]} is up to date")
    return EXIT_OK


def _add_service_commands(sub: Any, fmt: type[argparse.HelpFormatter]) -> None:
    from bot.models import SEVERITIES

    def channel_opt(p: argparse.ArgumentParser) -> None:
        p.add_argument("--channel", metavar="NAME",
                       help="a channel named in newsbot.toml (default: console)")

    p = sub.add_parser("run", help="run the service: poll feeds, analyse, deliver alerts",
                       description="Poll feeds, analyse new articles and deliver alerts until "
                       "SIGTERM or Ctrl-C.\nReads newsbot.toml (or $NEWSBOT_CONFIG).",
                       epilog="example:\n  NEWSBOT_CONFIG=newsbot.toml newsbot run",
                       formatter_class=fmt)
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("db", help="database maintenance", formatter_class=fmt,
                       epilog="example:\n  newsbot db upgrade")
    p.add_argument("action", choices=["upgrade"])
    p.set_defaults(func=cmd_db)

    p = sub.add_parser("subscribe", help="subscribe a channel to a region", formatter_class=fmt,
                       epilog="examples:\n  newsbot subscribe South Asia\n"
                       "  newsbot subscribe Sahel --types attack capture --min high "
                       "--channel desk")
    p.add_argument("region", nargs="+", help="a place or region: Kandahar, Sahel, world, …")
    p.add_argument("--types", nargs="+", default=[], metavar="TYPE",
                   help="only these event types")
    p.add_argument("--min", choices=SEVERITIES, help="lowest severity to alert on")
    channel_opt(p)
    p.set_defaults(func=_service_command)

    p = sub.add_parser("unsubscribe", help="unsubscribe a channel from a region (or all)",
                       formatter_class=fmt, epilog="example:\n  newsbot unsubscribe South Asia")
    p.add_argument("region", nargs="+")
    channel_opt(p)
    p.set_defaults(func=_service_command)

    p = sub.add_parser("subscriptions", help="list a channel's subscriptions",
                       formatter_class=fmt, epilog="example:\n  newsbot subscriptions")
    channel_opt(p)
    p.set_defaults(func=_service_command)

    p = sub.add_parser("summary", help="summarise a link, or a region over a window",
                       formatter_class=fmt,
                       epilog="examples:\n  newsbot summary https://example.org/story\n"
                       "  newsbot summary Middle East --window 48h")
    p.add_argument("target", nargs="+", help="a URL or a region")
    p.add_argument("--window", default=None, help="e.g. 6h, 24h (default), 3d, 1w")
    p.set_defaults(func=_service_command)

    p = sub.add_parser("feeds", help="list, add or remove watched feeds", formatter_class=fmt,
                       epilog="examples:\n  newsbot feeds\n"
                       "  newsbot feeds add https://example.org/rss --backfill")
    p.add_argument("action", nargs="?", default="list", choices=["list", "add", "remove"])
    p.add_argument("url", nargs="?")
    p.add_argument("--backfill", action="store_true",
                   help="alert on the items already in the feed at its first poll")
    p.set_defaults(func=_service_command)

    p = sub.add_parser("why", help="why a link did or did not alert a channel",
                       formatter_class=fmt,
                       epilog="example:\n  newsbot why https://example.org/story --channel desk")
    p.add_argument("url")
    channel_opt(p)
    p.set_defaults(func=_service_command)


# --- parser ---------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    fmt = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(
        prog="newsbot",
        description="Finds headline events in news articles and says where they happened.",
        epilog="example:\n  newsbot analyze https://example.org/news/story.html\n\n"
        "exit codes: 0 ok, 1 input could not be read, 2 wrong usage",
        formatter_class=fmt,
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser(
        "analyze",
        help="find the events of one article, or of a JSONL batch",
        description="Analyse an article: a URL, an HTML or text file, or - for stdin.\n"
        "With --jsonl, read one JSON object a line ({id, title, text} or {id, html} or\n"
        "{id, url}) and write one result a line, in input order.",
        epilog="examples:\n  newsbot analyze story.html\n"
        "  newsbot analyze --json https://example.org/news/story.html\n"
        "  cat story.txt | newsbot analyze -\n  newsbot analyze --jsonl articles.jsonl > out.jsonl",
        formatter_class=fmt,
    )
    p.add_argument("source", nargs="?", help="URL, file path, or - for standard input")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.add_argument("--jsonl", metavar="FILE", help="batch mode: JSONL file, or - for stdin")
    p.set_defaults(func=cmd_analyze)

    p = sub.add_parser(
        "eval",
        help="score the bot on labelled articles (JSONL) or toponyms (GeoVirus XML)",
        description="Score event types, places and false alarms against labelled articles\n"
        "(format: ../shared/eval/README.md), or toponym finding and resolution against a\n"
        "GeoVirus-style XML file (mention P/R/F1, Acc@161, right place). FILE:SPLIT keeps\n"
        "the cases whose 'split' field is SPLIT. Several files print one table.",
        epilog="examples:\n  newsbot eval ../shared/eval/dev.jsonl\n"
        "  newsbot eval training/wcep-2025-events.jsonl:tune ../shared/data/GeoVirus.xml",
        formatter_class=fmt,
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="labelled JSONL or XML file")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--quiet", action="store_true", help="leave out the per-case differences")
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser(
        "demo",
        help="analyse the sample articles shipped with newsbot (offline)",
        description="Print the alerts and summaries newsbot makes for its sample articles.",
        epilog="example:\n  newsbot demo",
        formatter_class=fmt,
    )
    p.set_defaults(func=cmd_demo)
    _add_service_commands(sub, fmt)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    from config.settings import get_settings

    try:
        get_settings()  # read once, up front: a bad setting is one clear line, not a traceback
    except ValueError as exc:  # pydantic's ValidationError, SettingsError, TOMLDecodeError
        return _fail(_settings_problem(exc), EXIT_USAGE)
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
