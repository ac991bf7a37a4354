"""bot.fetch against a real HTTP server on 127.0.0.1; nothing else is ever connected to."""

from __future__ import annotations

import asyncio
import gzip
import resource
import socket
import time
import tracemalloc
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field

import httpx
import pytest

from bot.fetch import (
    BadEncoding,
    BlockedAddress,
    ConnectError,
    DNSError,
    FetchError,
    FetchTimeout,
    HTTPError,
    TooLarge,
    TooManyRedirects,
    UnsupportedContentType,
    UnsupportedScheme,
    canonicalize_url,
    check_address,
    fetch,
    find_canonical_url,
    make_client,
    registrable_domain,
)
from config.settings import Settings

ARTICLE = b"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Bridge reopens</title>
<link rel="canonical" href="/news/bridge?id=7&amp;utm_medium=social#top">
<meta property="og:url" content="http://127.0.0.1/og-should-lose">
</head><body><p>The old bridge reopened on Monday \xe2\x80\x94 caf\xc3\xa9 owners cheered.</p>
</body></html>"""
OG_ONLY = b"""<html><head><meta property="og:url" content="https://Example.ORG:443/story?fbclid=x">
</head><body><p>Hi</p></body></html>"""
LATIN1 = (
    "<html><head><title>Caf\xe9</title></head><body><p>Caf\xe9 cr\xe8me \u2014 ok</p></body></html>"
)


def _zero_bomb(gib: int, *, wrap: str) -> bytes:
    """A valid body that inflates to ``gib`` GiB of zeros: one compressed MiB of zeros,
    repeated (a full flush ends each copy on a byte boundary with a fresh dictionary).
    ``wrap`` is "gzip" or "zlib"."""
    raw = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    mib = bytes(1 << 20)
    segment = raw.compress(mib) + raw.flush(zlib.Z_FULL_FLUSH)
    stream = segment * (gib * 1024) + b"\x03\x00"  # an empty final block ends the stream
    check = zlib.crc32(b"") if wrap == "gzip" else zlib.adler32(b"")
    for _ in range(gib * 1024):
        check = zlib.crc32(mib, check) if wrap == "gzip" else zlib.adler32(mib, check)
    if wrap == "gzip":
        size = (gib << 30) & 0xFFFFFFFF
        trailer = check.to_bytes(4, "little") + size.to_bytes(4, "little")
        return b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff" + stream + trailer
    return b"\x78\xda" + stream + check.to_bytes(4, "big")


_ENCODED_CACHE: dict[str, tuple[str, bytes]] = {}
PAGE = b"<html><body><p>Gzipped news \xe2\x80\x94 fine.</p></body></html>"


def _encoded(what: str) -> tuple[str, bytes]:
    """(Content-Encoding, body) for the /encoded/<what> route."""
    if what not in _ENCODED_CACHE:
        if what == "gzip-bomb":  # 1 MB on the wire, 1 GiB inflated
            value = ("gzip", _zero_bomb(1, wrap="gzip"))
        elif what == "gzip-gzip-bomb":  # a few KB on the wire, 1 GiB after two inflations
            value = ("gzip, gzip", gzip.compress(_zero_bomb(1, wrap="gzip"), 9))
        elif what == "deflate-deflate-bomb":
            value = ("deflate, deflate", zlib.compress(_zero_bomb(1, wrap="zlib"), 9))
        elif what == "gzip-page":
            value = ("gzip", gzip.compress(PAGE))
        elif what == "x-gzip-page":
            value = ("x-gzip", gzip.compress(PAGE))
        elif what == "deflate-page":
            value = ("deflate", zlib.compress(PAGE))
        elif what == "raw-deflate-page":
            raw = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
            value = ("deflate", raw.compress(PAGE) + raw.flush())
        elif what == "two-gzip-members":
            value = ("gzip", gzip.compress(PAGE[:20]) + gzip.compress(PAGE[20:]))
        elif what == "br-page":
            value = ("br", PAGE)
        elif what == "corrupt-gzip":
            value = ("gzip", b"\x1f\x8b\x08\x00" + b"not really gzip" * 10)
        else:
            raise KeyError(what)
        _ENCODED_CACHE[what] = value
    return _ENCODED_CACHE[what]


# Addresses a page or a person can hand us; each must end in a FetchError that says why.
HOSTILE_URLS = [
    ("javascript:alert(1)", "only http:// and https://"),
    ("data:text/html,<script>alert(1)</script>", "only http:// and https://"),
    ("http://(]", "is not a valid web address"),
    ("http://[::1", "is not a valid web address"),
    ("http://xn--a.com/", "is not a valid web address"),  # invalid punycode (IDNA)
    ("http://\ud800.example/", "is not a valid web address"),  # a lone surrogate
    ("http://exa\u00admple.com/", "is not a valid web address"),  # soft hyphen: not IDNA
    ("http://127.0.0.1:99999/", "port 99999 is not between 1 and 65535"),
    ("http://127.0.0.1:0/", "port 0 is not between 1 and 65535"),
    ("http://[::1]:65536/", "port 65536 is not between 1 and 65535"),
]
HOSTILE_LOCATIONS = [
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "http://(]",
    "//(]/x",
    "http://[::1",
    "http://xn--a.com/",
    "http://\ud800.example/",
    "http://127.0.0.1:99999/",
    "http://localhost:-5/",
]


Handler = Callable[[asyncio.StreamWriter, str], Awaitable[None]]


def _response(status: str, ctype: str | None, body: bytes, *, extra: str = "") -> bytes:
    head = f"HTTP/1.1 {status}\r\nConnection: close\r\nContent-Length: {len(body)}\r\n{extra}"
    if ctype:
        head += f"Content-Type: {ctype}\r\n"
    return head.encode() + b"\r\n" + body


@dataclass
class Server:
    port: int
    hits: list[str] = field(default_factory=list)
    requests: list[bytes] = field(default_factory=list)  # raw request heads, in order

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"


async def _route(server: Server, writer: asyncio.StreamWriter, path: str) -> None:
    route, _, _query = path.partition("?")
    if route == "/article":
        writer.write(_response("200 OK", "text/html; charset=utf-8", ARTICLE))
    elif route == "/og":
        writer.write(_response("200 OK", "text/html", OG_ONLY))
    elif route.startswith("/redirect/"):
        n = int(route.rsplit("/", 1)[1])
        target = "/article?utm_source=feed" if n <= 1 else f"/redirect/{n - 1}"
        writer.write(_response("302 Found", "text/html", b"", extra=f"Location: {target}\r\n"))
    elif route == "/to-other-loopback":
        target = server.url("/article", host="127.0.0.2")
        writer.write(_response("301 Moved", None, b"", extra=f"Location: {target}\r\n"))
    elif route == "/to-ftp":
        writer.write(_response("302 Found", None, b"", extra="Location: ftp://127.0.0.1/x\r\n"))
    elif route == "/big-stream":
        # No Content-Length: the size is only known while reading.
        writer.write(b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\n")
        for _ in range(64):
            writer.write(b"a" * 1024 + b"\n")
            await writer.drain()
    elif route == "/big-length":
        writer.write(
            b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Type: text/html\r\n"
            b"Content-Length: 50000000\r\n\r\n<html>"
        )
        await writer.drain()
        await asyncio.sleep(30)  # never sends the rest: only an early refusal passes quickly
    elif route == "/stall":
        writer.write(
            b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Type: text/html\r\n"
            b"Content-Length: 1000\r\n\r\n<html><body>"
        )
        await writer.drain()
        await asyncio.sleep(30)
    elif route == "/pdf":
        writer.write(_response("200 OK", "application/pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"))
    elif route == "/png":
        writer.write(_response("200 OK", "image/png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64))
    elif route == "/png-as-html":
        writer.write(_response("200 OK", "text/html", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64))
    elif route == "/latin1":
        writer.write(_response("200 OK", "text/html; charset=ISO-8859-1", LATIN1.encode("cp1252")))
    elif route == "/meta-latin1":
        meta = '<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">'
        body = LATIN1.replace("<head>", "<head>" + meta)
        writer.write(_response("200 OK", "text/html", body.encode("cp1252")))
    elif route == "/plain":
        writer.write(
            _response("200 OK", "text/plain; charset=utf-8", "Plain news \u2014 ok".encode())
        )
    elif route == "/untyped":
        writer.write(
            _response("200 OK", None, b"<!doctype html><html><body><p>x</p></body></html>")
        )
    elif route == "/cached":
        head = server.requests[-1].lower()
        validators = 'ETag: "v1"\r\nLast-Modified: Sun, 01 Mar 2026 12:00:00 GMT\r\n'
        if b'if-none-match: "v1"' in head:
            writer.write(_response("304 Not Modified", None, b"", extra=validators))
        else:
            writer.write(_response("200 OK", "text/plain", b"fresh", extra=validators))
    elif route == "/always-304":
        writer.write(_response("304 Not Modified", None, b""))
    elif route == "/to-cached":
        writer.write(_response("302 Found", None, b"", extra="Location: /cached\r\n"))
    elif route.startswith("/encoded/"):
        # /encoded/<what>: a body from ENCODED, with its Content-Encoding header.
        encoding, body = _encoded(route.rsplit("/", 1)[1])
        head = "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Type: text/html\r\n"
        head += f"Content-Length: {len(body)}\r\nContent-Encoding: {encoding}\r\n\r\n"
        writer.write(head.encode())
        for start in range(0, len(body), 65_536):
            writer.write(body[start : start + 65_536])
            await writer.drain()
    elif route.startswith("/hostile-redirect/"):
        location = HOSTILE_LOCATIONS[int(route.rsplit("/", 1)[1])].encode("utf-8", "surrogatepass")
        writer.write(b"HTTP/1.1 302 Found\r\nConnection: close\r\nContent-Length: 0\r\n")
        writer.write(b"Location: " + location + b"\r\n\r\n")
    elif route == "/missing":
        writer.write(_response("404 Not Found", "text/html", b"<h1>nope</h1>"))
    elif route == "/broken":
        writer.write(_response("500 Internal Server Error", "text/html", b"<h1>oops</h1>"))
    else:
        writer.write(_response("400 Bad Request", "text/plain", b"unknown route"))


@pytest.fixture
async def server() -> AsyncIterator[Server]:
    tasks: set[asyncio.Task[None]] = set()
    state = Server(port=0)

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        tasks.add(asyncio.current_task())  # type: ignore[arg-type]
        try:
            request = await reader.readuntil(b"\r\n\r\n")
            path = request.split(b" ", 2)[1].decode()
            state.hits.append(path)
            state.requests.append(request)
            await _route(state, writer, path)
            await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass  # the client hung up early, as it should on refused bodies
        finally:
            writer.close()

    srv = await asyncio.start_server(handle, "127.0.0.1", 0)
    state.port = srv.sockets[0].getsockname()[1]
    try:
        yield state
    finally:
        for task in tasks:
            task.cancel()
        srv.close()
        await asyncio.gather(*tasks, return_exceptions=True)
        await srv.wait_closed()


def settings(**overrides: object) -> Settings:
    values: dict[str, object] = {
        "allow_private_networks": True,
        "fetch_timeout": 3.0,
        "fetch_max_bytes": 16 * 1024,
        "fetch_allow_networks": [],
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- check_address

BLOCKED = [
    ("10.0.0.1", "private"),
    ("10.255.255.255", "private"),
    ("172.16.0.1", "private"),
    ("172.31.255.254", "private"),
    ("192.168.1.1", "private"),
    ("169.254.169.254", "link-local"),
    ("127.0.0.1", "loopback"),
    ("127.1.2.3", "loopback"),
    ("::1", "loopback"),
    ("fc00::1", "unique-local (private)"),
    ("fd12:3456::1", "unique-local (private)"),
    ("fe80::1", "link-local"),
    ("::ffff:10.0.0.1", "private"),
    ("::ffff:127.0.0.1", "loopback"),
    ("0.0.0.0", "unspecified"),
    ("::", "unspecified"),
    ("224.0.0.1", "multicast"),
    ("ff02::1", "multicast"),
    ("100.64.0.1", "shared (CGNAT)"),
    ("240.0.0.1", "reserved"),
    ("255.255.255.255", "reserved"),
    ("64:ff9b::a00:1", "private"),  # NAT64 form of 10.0.0.1
    ("2002:a00:1::1", "private"),  # 6to4 form of 10.0.0.1
]


@pytest.mark.parametrize(("ip", "reason"), BLOCKED)
def test_check_address_refuses_non_public_ranges(ip: str, reason: str) -> None:
    with pytest.raises(BlockedAddress) as info:
        check_address(ip, settings(allow_private_networks=False))
    assert info.value.reason == reason
    assert "NEWSBOT_ALLOW_PRIVATE_NETWORKS=true" in info.value.message


PUBLIC = ["93.184.216.34", "8.8.8.8", "172.32.0.1", "100.128.0.1", "2606:4700::1"]


@pytest.mark.parametrize("ip", [*PUBLIC, "::ffff:93.184.216.34"])
def test_check_address_passes_public_addresses(ip: str) -> None:
    check_address(ip, settings(allow_private_networks=False))


def test_check_address_setting_and_whitelist() -> None:
    check_address("10.0.0.1", settings(allow_private_networks=True))
    only_one = settings(allow_private_networks=False, fetch_allow_networks=["127.0.0.1/32"])
    check_address("127.0.0.1", only_one)
    check_address("::ffff:127.0.0.1", only_one)
    with pytest.raises(BlockedAddress):
        check_address("127.0.0.2", only_one)
    with pytest.raises(BlockedAddress):
        check_address("::1", only_one)
    with pytest.raises(ValueError):
        check_address("not-an-ip", only_one)


def test_invalid_whitelist_entry_fails_at_startup() -> None:
    with pytest.raises(ValueError):
        settings(fetch_allow_networks=["10.0.0.0/33"])


# --------------------------------------------------------------------------- canonical URLs


def test_canonicalize_url() -> None:
    assert (
        canonicalize_url("HTTPS://News.Example.COM:443/a/B?utm_source=x&id=3&fbclid=1&q=a%20b#c")
        == "https://news.example.com/a/B?id=3&q=a%20b"
    )
    assert canonicalize_url("http://example.com:8080?gclid=1&_ga=2&ref=twitter") == (
        "http://example.com:8080/"
    )
    assert canonicalize_url("https://example.com/x?ref=main&mc_cid=1&mc_eid=2") == (
        "https://example.com/x?ref=main"
    )
    assert canonicalize_url("https://example.com/x?b=2&a=1&UTM_Campaign=z") == (
        "https://example.com/x?b=2&a=1"
    )


# --------------------------------------------------------------------------- fetching


async def test_fetch_html_page_with_canonical(server: Server) -> None:
    page = await fetch(server.url("/article?utm_source=x&utm_medium=y"), settings())
    assert page.status == 200
    assert page.is_html
    assert page.content_type == "text/html"
    assert page.charset == "utf-8"
    assert "café owners cheered" in page.text
    assert page.final_url == server.url("/article?utm_source=x&utm_medium=y")
    # rel=canonical wins over og:url, is resolved against the page and canonicalized.
    assert page.canonical_url == server.url("/news/bridge?id=7")


async def test_canonical_on_another_site_is_ignored(server: Server) -> None:
    # /og names https://example.org/story as its og:url: not the site that served it.
    page = await fetch(server.url("/og"), settings())
    assert page.canonical_url == server.url("/og")


def _head(canonical: str | None = None, og: str | None = None) -> str:
    links = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    meta = f'<meta property="og:url" content="{og}">' if og else ""
    return f"<html><head>{links}{meta}</head><body><p>x</p></body></html>"


@pytest.mark.parametrize(
    ("host", "domain"),
    [
        ("news.example.co.uk", "example.co.uk"),
        ("WWW.Example.CO.UK.", "example.co.uk"),
        ("example.org", "example.org"),
        ("a.b.example.com.au", "example.com.au"),
        ("alice.github.io", "alice.github.io"),  # a private suffix: each user is a site
        ("www.例え.jp", "xn--r8jz45g.jp"),
        ("127.0.0.1", "127.0.0.1"),
        ("localhost", "localhost"),
    ],
)
def test_registrable_domain(host: str, domain: str) -> None:
    assert registrable_domain(host) == domain


@pytest.mark.parametrize(
    ("base", "head", "expected"),
    [
        # Same registrable domain: trusted.
        (
            "https://news.example.co.uk/a?utm_source=x",
            _head("https://www.example.co.uk/story"),
            "https://www.example.co.uk/story",
        ),
        (
            "https://example.org/a",
            _head(og="https://m.example.org/a?fbclid=1"),
            "https://m.example.org/a",
        ),
        # Another site: ignored, whichever tag names it.
        ("https://example.org/a", _head("https://evil.org/a"), "https://example.org/a"),
        ("https://example.org/a", _head(og="https://evil.org/a"), "https://example.org/a"),
        ("https://example.co.uk/a", _head("https://evil.co.uk/a"), "https://example.co.uk/a"),
        (
            "https://alice.github.io/a",
            _head("https://mallory.github.io/a"),
            "https://alice.github.io/a",
        ),
        ("https://example.org/a", _head("https://example.org.evil.org/a"), "https://example.org/a"),
        # A bad rel=canonical does not hide a good og:url.
        (
            "https://example.org/a",
            _head("https://evil.org/a", "https://example.org/b"),
            "https://example.org/b",
        ),
        # User names, and URLs that do not parse, are never canonical.
        (
            "https://example.org/a",
            _head("https://evil.org@example.org/a?x"),
            "https://example.org/a",
        ),
        ("https://example.org/a", _head("http://(]/a"), "https://example.org/a"),
        ("https://example.org/a", _head("https://example.org:99999/a"), "https://example.org/a"),
    ],
)
def test_canonical_only_on_the_same_site(base: str, head: str, expected: str) -> None:
    assert find_canonical_url(head, base) == expected


async def test_redirect_chain_within_limit(server: Server) -> None:
    page = await fetch(server.url("/redirect/5"), settings(fetch_max_redirects=5))
    assert page.url == server.url("/redirect/5")
    assert page.final_url == server.url("/article?utm_source=feed")
    assert page.canonical_url == server.url("/news/bridge?id=7")


async def test_too_many_redirects(server: Server) -> None:
    with pytest.raises(TooManyRedirects) as info:
        await fetch(server.url("/redirect/6"), settings(fetch_max_redirects=5))
    assert "more than 5 redirects" in info.value.message
    assert "/article" not in server.hits[-1]


async def test_redirect_to_non_whitelisted_loopback_is_refused(server: Server) -> None:
    only_one = settings(allow_private_networks=False, fetch_allow_networks=["127.0.0.1/32"])
    # The first hop is whitelisted and is fetched ...
    page = await fetch(server.url("/article"), only_one)
    assert page.status == 200
    # ... but its redirect to 127.0.0.2 is refused before any connection is made.
    with pytest.raises(BlockedAddress) as info:
        await fetch(server.url("/to-other-loopback"), only_one)
    assert info.value.address == "127.0.0.2"
    assert info.value.redirected_from == server.url("/to-other-loopback")
    assert "(redirected from http://127.0.0.1:" in info.value.message
    assert server.hits == ["/article", "/to-other-loopback"]


async def test_redirect_to_ftp_refused(server: Server) -> None:
    with pytest.raises(UnsupportedScheme):
        await fetch(server.url("/to-ftp"), settings())


async def test_caller_client_is_used_and_guarded(server: Server) -> None:
    guarded = settings(allow_private_networks=False)
    async with make_client(guarded) as client:
        with pytest.raises(BlockedAddress):
            await fetch(server.url("/article"), guarded, client=client)
    assert server.hits == []


async def test_plain_httpx_client_is_checked_before_each_request(server: Server) -> None:
    async with httpx.AsyncClient(trust_env=False) as client:
        with pytest.raises(BlockedAddress):
            await fetch(
                server.url("/article"), settings(allow_private_networks=False), client=client
            )
        assert server.hits == []
        page = await fetch(server.url("/redirect/2"), settings(), client=client)
    assert page.final_url == server.url("/article?utm_source=feed")
    assert server.hits == ["/redirect/2", "/redirect/1", "/article?utm_source=feed"]


async def test_refused_connection() -> None:
    with socket.socket() as sock:  # a loopback port that is certainly closed
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(ConnectError) as info:
        await fetch(f"http://127.0.0.1:{port}/", settings())
    assert "could not connect" in info.value.message


async def test_streamed_body_over_cap(server: Server) -> None:
    with pytest.raises(TooLarge) as info:
        await fetch(server.url("/big-stream"), settings(fetch_max_bytes=16 * 1024))
    assert "NEWSBOT_FETCH_MAX_BYTES" in info.value.message


async def test_content_length_over_cap_rejected_early(server: Server) -> None:
    started = time.monotonic()
    with pytest.raises(TooLarge) as info:
        await fetch(server.url("/big-length"), settings(fetch_timeout=5.0))
    assert time.monotonic() - started < 2
    assert "Content-Length" in info.value.message


async def test_stalled_body_times_out(server: Server) -> None:
    started = time.monotonic()
    with pytest.raises(FetchTimeout) as info:
        await fetch(server.url("/stall"), settings(fetch_timeout=0.5))
    assert time.monotonic() - started < 2
    assert "NEWSBOT_FETCH_TIMEOUT" in info.value.message


@pytest.mark.parametrize("path", ["/pdf", "/png", "/png-as-html"])
async def test_non_text_content_refused(server: Server, path: str) -> None:
    with pytest.raises(UnsupportedContentType) as info:
        await fetch(server.url(path), settings())
    assert "HTML and plain-text" in info.value.message


@pytest.mark.parametrize("path", ["/latin1", "/meta-latin1"])
async def test_latin1_charset(server: Server, path: str) -> None:
    page = await fetch(server.url(path), settings())
    assert page.charset == "cp1252"
    assert "Café crème — ok" in page.text


async def test_plain_text_and_untyped_pages(server: Server) -> None:
    plain = await fetch(server.url("/plain"), settings())
    assert not plain.is_html
    assert (plain.content_type, plain.text) == ("text/plain", "Plain news — ok")
    untyped = await fetch(server.url("/untyped"), settings())
    assert untyped.is_html and untyped.content_type == "text/html"


@pytest.mark.parametrize(("path", "status"), [("/missing", 404), ("/broken", 500)])
async def test_http_errors(server: Server, path: str, status: int) -> None:
    with pytest.raises(HTTPError) as info:
        await fetch(server.url(path), settings())
    assert info.value.status == status
    assert str(status) in info.value.message


async def test_unresolvable_host() -> None:
    with pytest.raises(DNSError) as info:
        await fetch("http://nonexistent.invalid/", settings(allow_private_networks=False))
    assert "does not resolve" in info.value.message


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1/", "http://localhost/", "http://[::1]:8080/", "http://[::ffff:127.0.0.1]/"],
)
async def test_loopback_refused_by_default(url: str) -> None:
    with pytest.raises(BlockedAddress) as info:
        await fetch(url, settings(allow_private_networks=False))
    assert info.value.reason == "loopback"
    assert info.value.message.startswith(f"refused to fetch {url}: it resolves to a loopback")


async def test_loopback_server_refused_without_setting(server: Server) -> None:
    with pytest.raises(BlockedAddress):
        await fetch(server.url("/article"), settings(allow_private_networks=False))
    assert server.hits == []


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/file", "file:///etc/passwd", "example.com"])
async def test_unsupported_schemes(url: str) -> None:
    with pytest.raises(UnsupportedScheme):
        await fetch(url, settings())


@pytest.mark.parametrize(("url", "says"), HOSTILE_URLS)
async def test_hostile_urls_are_fetch_errors(url: str, says: str) -> None:
    with pytest.raises(FetchError) as info:
        await fetch(url, settings())
    assert says in info.value.message
    assert info.value.url == url


@pytest.mark.parametrize("index", range(len(HOSTILE_LOCATIONS)))
async def test_hostile_redirects_are_fetch_errors(server: Server, index: int) -> None:
    start = server.url(f"/hostile-redirect/{index}")
    with pytest.raises(FetchError) as info:
        await fetch(start, settings())
    assert type(info.value) in (FetchError, UnsupportedScheme)
    assert start in info.value.message  # says which link led there
    assert "not a valid" in info.value.message or "only http:// and https://" in (
        info.value.message
    )


def test_errors_share_a_base() -> None:
    for cls in (BlockedAddress, DNSError, FetchTimeout, HTTPError, TooLarge, UnsupportedScheme):
        assert issubclass(cls, FetchError)


async def test_response_validators_and_raw_body_are_exposed(server: Server) -> None:
    page = await fetch(server.url("/cached"), settings())
    assert (page.status, page.text, page.content) == (200, "fresh", b"fresh")
    assert not page.not_modified
    assert page.etag == '"v1"'
    assert page.last_modified == "Sun, 01 Mar 2026 12:00:00 GMT"
    assert page.headers["content-type"] == "text/plain"


async def test_extra_headers_go_on_every_hop_and_304_is_not_modified(server: Server) -> None:
    page = await fetch(
        server.url("/to-cached"), settings(), headers={"If-None-Match": '"v1"', "X-Probe": "1"}
    )
    assert page.not_modified and page.status == 304
    assert (page.text, page.content, page.etag) == ("", b"", '"v1"')
    assert page.final_url == server.url("/cached")
    assert all(b"x-probe: 1" in head.lower() for head in server.requests)
    assert len(server.requests) == 2


async def test_unconditional_304_is_still_an_error(server: Server) -> None:
    with pytest.raises(HTTPError) as info:
        await fetch(server.url("/always-304"), settings(), headers={"X-Other": "1"})
    assert info.value.status == 304


async def test_content_type_error_names_the_served_type(server: Server) -> None:
    with pytest.raises(UnsupportedContentType) as info:
        await fetch(server.url("/pdf"), settings())
    assert info.value.media_type == "application/pdf"
    with pytest.raises(UnsupportedContentType) as info:
        await fetch(server.url("/png-as-html"), settings())
    assert (info.value.media_type, info.value.looks_like) == ("text/html", "a PNG image")


# --------------------------------------------------------------------------- compression


@pytest.mark.parametrize(
    "what", ["gzip-page", "x-gzip-page", "deflate-page", "raw-deflate-page", "two-gzip-members"]
)
async def test_compressed_pages_are_decoded(server: Server, what: str) -> None:
    page = await fetch(server.url(f"/encoded/{what}"), settings())
    assert page.text == PAGE.decode()
    assert b"accept-encoding: gzip, deflate\r\n" in server.requests[-1].lower()


@pytest.mark.parametrize(
    ("what", "error", "says"),
    [
        ("gzip-bomb", TooLarge, "larger than the 4.0 MB limit"),
        (
            "gzip-gzip-bomb",
            BadEncoding,
            "compressed several times over (Content-Encoding: gzip, gzip)",
        ),
        ("deflate-deflate-bomb", BadEncoding, "compressed several times over"),
    ],
)
async def test_compression_bombs_fail_fast_in_bounded_memory(
    server: Server, what: str, error: type[FetchError], says: str
) -> None:
    _encoded(what)  # build the body before measuring
    cap = 4 << 20  # the gzip bomb itself is 1 MB
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    tracemalloc.start()
    started = time.monotonic()
    try:
        with pytest.raises(FetchError) as info:
            await fetch(server.url(f"/encoded/{what}"), settings(fetch_max_bytes=cap))
        elapsed = time.monotonic() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    rss_growth = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) * 1024
    assert peak <= 100 * 1024 * 1024, f"peak allocations {peak / 1e6:.0f} MB"
    assert rss_growth <= 100 * 1024 * 1024, f"peak RSS grew {rss_growth / 1e6:.0f} MB"
    assert elapsed < settings().fetch_timeout
    assert isinstance(info.value, error)
    assert says in info.value.message


@pytest.mark.parametrize(
    ("what", "says"),
    [
        ("br-page", "a compression newsbot cannot read (br)"),
        ("corrupt-gzip", "does not decompress"),
    ],
)
async def test_unknown_or_broken_encoding_is_a_clear_error(
    server: Server, what: str, says: str
) -> None:
    with pytest.raises(BadEncoding) as info:
        await fetch(server.url(f"/encoded/{what}"), settings())
    assert says in info.value.message
    assert info.value.message.startswith(f"refused {server.url(f'/encoded/{what}')}: ")
