"""bot.fetch against a real HTTP server on 127.0.0.1; nothing else is ever connected to."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field

import httpx
import pytest

from bot.fetch import (
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
    make_client,
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


async def test_og_url_used_without_rel_canonical(server: Server) -> None:
    page = await fetch(server.url("/og"), settings())
    assert page.canonical_url == "https://example.org/story"


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
