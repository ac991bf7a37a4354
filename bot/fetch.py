"""Fetch article pages safely: http(s) only, no private networks, size and time limits.

How the address check works (and why it is not racy)
----------------------------------------------------
Checking a host name and then letting the HTTP library resolve it again to connect
leaves a DNS-rebinding window: the second answer may differ from the checked one. So
the clients built here (:func:`make_client`) use a custom httpcore network backend,
:class:`_GuardedBackend`. httpcore hands it the host and port of every new connection —
the first request and each redirect hop alike — and it resolves the name itself, checks
*every* A/AAAA answer with :func:`check_address` (one bad answer refuses the host), and
then opens the TCP connection to one of the checked IP literals. Nothing else resolves
the name, so the address connected to is the address checked. TLS is unaffected:
httpcore still runs ``start_tls`` with ``server_hostname`` set to the URL's host, so
SNI and certificate verification use the name, and the Host header comes from the URL.
The clients ignore proxy environment variables (``trust_env=False``); a proxy would
connect on our behalf to addresses we never see.

A caller-supplied ``client`` that was not built by :func:`make_client` cannot be
guarded at connect time; :func:`fetch` then resolves and checks each hop's host before
the request, which still refuses static private targets but leaves the rebinding window
open. Pass a client from :func:`make_client` (or none) wherever that matters.
"""

from __future__ import annotations

import asyncio
import codecs
import ipaddress
import re
import socket
import weakref
import zlib
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from html.parser import HTMLParser
from typing import Any
from urllib.parse import unquote_plus, urljoin, urlsplit, urlunsplit

import httpcore
import httpx
from tld import get_fld

from config.settings import Settings, redact_secrets

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

HTML_TYPES: frozenset[str] = frozenset({"text/html", "application/xhtml+xml"})
DEFAULT_CONTENT_TYPES: frozenset[str] = HTML_TYPES | {"text/plain"}
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_DEFAULT_PORTS = {"http": 80, "https": 443}
_ACCEPT = "text/html,application/xhtml+xml;q=0.9,text/plain;q=0.8,*/*;q=0.1"
# Only the codings _BoundedDecoder undoes; a server that sends another one is refused.
_ACCEPT_ENCODING = "gzip, deflate"
_SNIFF_BYTES = 1024

# --------------------------------------------------------------------------- errors


class FetchError(Exception):
    """Base of all fetch failures; ``message`` says what went wrong and what to do."""

    def __init__(self, message: str, *, url: str | None = None) -> None:
        # Feed URLs may carry a user name and password; messages go to logs and chats.
        message = redact_secrets(message)
        super().__init__(message)
        self.message = message
        self.url = url

    def __str__(self) -> str:
        return self.message


class UnsupportedScheme(FetchError):
    """The URL is not http(s) (ftp:, file:, javascript:, no scheme, …)."""


class BlockedAddress(FetchError):
    """The host resolves to a loopback/private/link-local/… address."""

    def __init__(
        self,
        address: str,
        reason: str,
        *,
        url: str | None = None,
        host: str | None = None,
        redirected_from: str | None = None,
    ) -> None:
        self.address = address
        self.reason = reason
        self.host = host
        self.redirected_from = redirected_from
        target = url or host or address
        if redirected_from:
            target += f" (redirected from {redirected_from})"
        super().__init__(
            f"refused to fetch {target}: it resolves to {_a(reason)} {reason} address "
            f"({address}); set NEWSBOT_ALLOW_PRIVATE_NETWORKS=true to allow this, or list "
            f"the network in NEWSBOT_FETCH_ALLOW_NETWORKS",
            url=url,
        )


class DNSError(FetchError):
    """The host name does not resolve."""


class TooManyRedirects(FetchError):
    """More redirects than ``settings.fetch_max_redirects``."""


class TooLarge(FetchError):
    """The body is (or announces to be) larger than ``settings.fetch_max_bytes``."""


class UnsupportedContentType(FetchError):
    """Not an accepted media type (by header or by sniffing the body).

    ``media_type`` is the served type, if any; ``looks_like`` what sniffing found
    ("a PDF document"), if it was the body that gave it away.
    """

    def __init__(
        self,
        message: str,
        *,
        url: str | None = None,
        media_type: str | None = None,
        looks_like: str | None = None,
    ) -> None:
        super().__init__(message, url=url)
        self.media_type = media_type
        self.looks_like = looks_like


class FetchTimeout(FetchError):
    """The whole fetch took longer than ``settings.fetch_timeout``."""


class HTTPError(FetchError):
    """The server answered 4xx/5xx (or another non-success status)."""

    def __init__(self, message: str, *, status: int, url: str | None = None) -> None:
        super().__init__(message, url=url)
        self.status = status


class ConnectError(FetchError):
    """The connection could not be made or broke off."""


class BadEncoding(FetchError):
    """The body's Content-Encoding is stacked, unknown or does not decode."""


def _a(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


# --------------------------------------------------------------------------- addresses


def _nets(*pairs: tuple[str, str]) -> tuple[tuple[Any, str], ...]:
    return tuple((ipaddress.ip_network(net), reason) for net, reason in pairs)


_V4_BLOCKED = _nets(
    ("0.0.0.0/8", "unspecified"),
    ("10.0.0.0/8", "private"),
    ("100.64.0.0/10", "shared (CGNAT)"),
    ("127.0.0.0/8", "loopback"),
    ("169.254.0.0/16", "link-local"),
    ("172.16.0.0/12", "private"),
    ("192.0.0.0/24", "reserved"),
    ("192.0.2.0/24", "documentation"),
    ("192.88.99.0/24", "reserved"),
    ("192.168.0.0/16", "private"),
    ("198.18.0.0/15", "benchmarking"),
    ("198.51.100.0/24", "documentation"),
    ("203.0.113.0/24", "documentation"),
    ("224.0.0.0/4", "multicast"),
    ("240.0.0.0/4", "reserved"),  # includes the 255.255.255.255 broadcast
)
_V6_BLOCKED = _nets(
    ("::/128", "unspecified"),
    ("::1/128", "loopback"),
    ("64:ff9b:1::/48", "reserved"),
    ("100::/64", "reserved"),
    ("2001::/23", "reserved"),  # includes Teredo (2001::/32), which tunnels to hidden hosts
    ("2001:db8::/32", "documentation"),
    ("3fff::/20", "documentation"),
    ("fc00::/7", "unique-local (private)"),
    ("fe80::/10", "link-local"),
    ("fec0::/10", "site-local (private)"),
    ("ff00::/8", "multicast"),
)
_V6_GLOBAL_UNICAST = ipaddress.ip_network("2000::/3")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def _embedded_v4(addr: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 form reaches: mapped, NAT64 or 6to4."""
    if isinstance(addr, ipaddress.IPv4Address):
        return None
    if addr.ipv4_mapped is not None:
        return addr.ipv4_mapped
    if addr in _NAT64:
        return ipaddress.IPv4Address(int(addr) & 0xFFFFFFFF)
    return addr.sixtofour


def _blocked_reason(addr: IPAddress) -> str | None:
    """Why ``addr`` must not be fetched from, or None for a public address."""
    inner = _embedded_v4(addr)
    if inner is not None:
        return _blocked_reason(inner)
    if isinstance(addr, ipaddress.IPv4Address):
        for net, reason in _V4_BLOCKED:
            if addr in net:
                return reason
        return None if addr.is_global else "reserved"
    for net, reason in _V6_BLOCKED:
        if addr in net:
            return reason
    return None if addr in _V6_GLOBAL_UNICAST else "reserved"


@lru_cache(maxsize=32)
def _allowed_networks(cidrs: tuple[str, ...]) -> tuple[Any, ...]:
    return tuple(ipaddress.ip_network(c, strict=False) for c in cidrs)


def _parse_ip(ip: str | IPAddress) -> IPAddress:
    if isinstance(ip, str):
        # Scope ids ("fe80::1%eth0") do not change which range an address is in.
        return ipaddress.ip_address(ip.split("%", 1)[0].strip("[]"))
    return ip


def check_address(ip: str | IPAddress, settings: Settings) -> None:
    """Raise :class:`BlockedAddress` unless ``ip`` may be fetched from.

    Refuses loopback, private, CGNAT, link-local, multicast, reserved, documentation
    and unspecified ranges, and IPv6 forms that reach them (IPv4-mapped, NAT64, 6to4),
    unless ``settings.allow_private_networks`` or the address is in one of
    ``settings.fetch_allow_networks``. Raises ValueError if ``ip`` is not an IP address.
    """
    addr = _parse_ip(ip)
    if settings.allow_private_networks:
        return
    reason = _blocked_reason(addr)
    if reason is None:
        return
    allowed = _allowed_networks(tuple(settings.fetch_allow_networks))
    candidates = [addr, _embedded_v4(addr)]
    for net in allowed:
        if any(c is not None and c.version == net.version and c in net for c in candidates):
            return
    raise BlockedAddress(str(addr), reason)


async def resolve_checked(host: str, port: int, settings: Settings) -> list[IPAddress]:
    """Resolve ``host`` and check every answer; the addresses to connect to, in order."""
    try:
        literal: IPAddress | None = _parse_ip(host)
    except ValueError:
        literal = None
    if literal is not None:
        answers = [literal]
    else:
        loop = asyncio.get_running_loop()
        try:
            infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as exc:
            raise DNSError(
                f"the host name {host} does not resolve ({exc}); check the link for typos, "
                f"or try again later if the site is new or DNS is down"
            ) from exc
        answers = []
        for family, _type, _proto, _name, sockaddr in infos:
            if family in (socket.AF_INET, socket.AF_INET6):
                addr = _parse_ip(str(sockaddr[0]))
                if addr not in answers:
                    answers.append(addr)
        if not answers:
            raise DNSError(f"the host name {host} has no IPv4/IPv6 address")
    for addr in answers:
        try:
            check_address(addr, settings)
        except BlockedAddress as exc:
            raise BlockedAddress(exc.address, exc.reason, host=host) from None
    return answers


class _GuardedBackend(httpcore.AsyncNetworkBackend):
    """Connects only to addresses that passed :func:`check_address` (see module doc)."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = await resolve_checked(host, port, self._settings)
        failure: Exception | None = None
        for addr in addresses:
            try:
                return await self._inner.connect_tcp(
                    str(addr),
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        assert failure is not None
        raise failure

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("unix sockets are never used for fetching")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class _GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport, with its connection pool connecting through the guard."""

    def __init__(self, settings: Settings, max_connections: int = 20) -> None:
        super().__init__(trust_env=False)
        # httpx offers no public hook for the network backend; replace the pool it built
        # and fail loudly should a future httpx stop using this attribute.
        if not isinstance(getattr(self, "_pool", None), httpcore.AsyncConnectionPool):
            raise RuntimeError("unsupported httpx version: cannot install the address guard")
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            max_connections=max_connections,
            max_keepalive_connections=10,
            keepalive_expiry=5.0,
            network_backend=_GuardedBackend(settings),
        )


_GUARDED: weakref.WeakSet[httpx.AsyncClient] = weakref.WeakSet()


def make_client(settings: Settings, *, max_connections: int = 20) -> httpx.AsyncClient:
    """An AsyncClient whose every connection is address-checked against ``settings``.

    Reuse one across fetches for connection pooling; close it with ``aclose()``. At most
    ``max_connections`` requests are in flight at once (the feed poller asks for one per
    poll slot).
    """
    client = httpx.AsyncClient(
        transport=_GuardedTransport(settings, max_connections),
        follow_redirects=False,
        timeout=httpx.Timeout(settings.fetch_timeout),
        headers={
            "User-Agent": settings.user_agent,
            "Accept": _ACCEPT,
            "Accept-Encoding": _ACCEPT_ENCODING,
        },
        trust_env=False,
    )
    _GUARDED.add(client)
    return client


# --------------------------------------------------------------------------- URLs

_TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid", "yclid",
        "ysclid", "twclid", "ttclid", "igshid", "igsh", "mc_cid", "mc_eid", "_ga", "_gl",
        "_hsenc", "_hsmi", "__hstc", "__hssc", "__hsfp", "hsctatracking", "mkt_tok",
        "li_fat_id", "oly_anon_id", "oly_enc_id", "vero_id", "vero_conv", "wickedid",
        "rb_clickid", "s_cid", "ref_src", "ref_url", "cmpid", "ocid", "ncid", "sr_share",
        "at_medium", "at_campaign", "spm", "share_id", "srsltid",
    }
)  # fmt: skip
# ``ref`` is tracking only when it names a referrer (ref=twitter); elsewhere
# (e.g. ?ref=main on code hosts) it selects content and must stay.
_REF_SOURCE = re.compile(
    r"(tw|twitter|twsrc.*|x|fb|facebook|hn|hackernews|reddit|rss|feed|newsletter|email|mail"
    r"|share|social|linkedin|producthunt|whatsapp|telegram|google|bing|yahoo|flipboard"
    r"|homepage|home|nav|header|footer|sidebar|sharebar|[a-z]+_(share|tw|fb|rss|nav))",
    re.IGNORECASE,
)


def _is_tracking(pair: str) -> bool:
    key, _, value = pair.partition("=")
    key = unquote_plus(key).strip().lower()
    if key.startswith(("utm_", "pk_", "mtm_")):
        return True
    if key == "ref":
        return bool(_REF_SOURCE.fullmatch(unquote_plus(value).strip()))
    return key in _TRACKING_PARAMS


def canonicalize_url(url: str) -> str:
    """Normalise ``url`` for identity: lower-case scheme and host, no default port, no
    fragment, no tracking parameters (utm_*, fbclid, gclid, …); other parameters keep
    their order and their exact encoding."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = f"[{host}]" if ":" in host else host
    if "@" in parts.netloc:
        netloc = parts.netloc.rpartition("@")[0] + "@" + netloc
    if port is not None and port != _DEFAULT_PORTS.get(scheme):
        netloc += f":{port}"
    path = parts.path or ("/" if host else "")
    query = "&".join(p for p in parts.query.split("&") if p and not _is_tracking(p))
    return urlunsplit((scheme, netloc, path, query, ""))


def _check_scheme(url: str, *, redirected_from: str | None = None) -> httpx.URL:
    """``url`` parsed, if it is an http(s) URL with a host and a valid port; else a
    :class:`FetchError` that says what is wrong with it."""
    via = f" (redirected from {redirected_from})" if redirected_from else ""
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError as exc:  # "http://(]": brackets that are no IPv6 address
        raise FetchError(f"{url!r}{via} is not a valid web address ({exc})", url=url) from None
    if not scheme:
        raise UnsupportedScheme(
            f"{url!r}{via} is not a full web address; give a link starting with "
            f"http:// or https://",
            url=url,
        )
    if scheme not in _DEFAULT_PORTS:
        raise UnsupportedScheme(
            f"refused to fetch {url}{via}: only http:// and https:// links can be fetched, "
            f"not {scheme}:",
            url=url,
        )
    try:
        parsed = httpx.URL(url)
        host = parsed.host  # IDNA-decodes the host, which can fail too
    except (httpx.InvalidURL, UnicodeError, ValueError) as exc:
        # UnicodeError: idna rejects a host ("xn--a.com") beyond what httpx checks.
        raise FetchError(f"{url!r}{via} is not a valid web address ({exc})", url=url) from None
    if not host:
        raise FetchError(f"{url!r}{via} has no host name; check the link", url=url)
    if parsed.port is not None and not 0 < parsed.port < 65536:
        raise FetchError(
            f"{url!r}{via} is not a valid web address: port {parsed.port} is not between "
            f"1 and 65535",
            url=url,
        )
    return parsed


def _redirect_target(current: str, location: str) -> str:
    try:
        return urljoin(current, location)
    except ValueError as exc:
        raise FetchError(
            f"{current} redirected to {location!r}, which is not a valid web address ({exc})",
            url=current,
        ) from None


class _Stop(Exception):
    pass


class _HeadLinks(HTMLParser):
    """Collects ``<link rel=canonical>`` and ``og:url`` from the document head."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.canonical: str | None = None
        self.og_url: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "body":
            raise _Stop
        a = {k: (v or "").strip() for k, v in attrs}
        if tag == "link" and "canonical" in a.get("rel", "").lower().split():
            self.canonical = self.canonical or a.get("href") or None
        elif tag == "meta" and (a.get("property") or a.get("name", "")).lower() == "og:url":
            self.og_url = self.og_url or a.get("content") or None

    def handle_endtag(self, tag: str) -> None:
        if tag == "head":
            raise _Stop


def registrable_domain(host: str) -> str:
    """The domain a host belongs to, by the Public Suffix List: ``news.example.co.uk`` →
    ``example.co.uk``, ``a.github.io`` → itself. IP literals, single labels and unknown
    suffixes stand for themselves. The list is the snapshot the ``tld`` package ships;
    nothing is downloaded."""
    name = host.strip().strip("[]").rstrip(".").lower()
    try:
        ipaddress.ip_address(name.split("%", 1)[0])
        return name
    except ValueError:
        pass
    try:
        name = httpx.URL(f"http://{name}/").raw_host.decode("ascii")  # IDNA (punycode)
    except (httpx.InvalidURL, UnicodeError, ValueError):
        return name
    return get_fld(name, fix_protocol=True, fail_silently=True) or name


def same_site(url: str, other: str) -> bool:
    """Whether two URLs' hosts have the same :func:`registrable_domain`."""
    try:
        a, b = urlsplit(url).hostname, urlsplit(other).hostname
    except ValueError:
        return False
    if not a or not b:
        return False
    return a == b or registrable_domain(a) == registrable_domain(b)


def find_canonical_url(html: str, base_url: str) -> str:
    """The page's canonical URL: rel=canonical, else og:url, else ``base_url``;
    resolved against ``base_url``, http(s) only, canonicalized.

    A page can name any URL as its canonical, so one on another site (by registrable
    domain: ``www.example.co.uk`` may name ``news.example.co.uk``, ``example.org`` may
    not name ``evil.org``) or with a user name in it is ignored."""
    parser = _HeadLinks()
    try:
        parser.feed(html[:262_144])
        parser.close()
    except (_Stop, AssertionError):
        pass  # _Stop: head done; AssertionError: HTMLParser gives up on broken markup
    base_path = urlsplit(base_url).path
    for href in (parser.canonical, parser.og_url):
        if not href:
            continue
        try:
            parts = urlsplit(urljoin(base_url, href))
            parts.port  # noqa: B018 — raises ValueError for a port out of range
        except ValueError:
            continue
        if parts.scheme.lower() not in _DEFAULT_PORTS or not parts.hostname:
            continue
        if "@" in parts.netloc or not same_site(parts.geturl(), base_url):
            continue
        # Many CMSs wrongly point every page's canonical at the home page.
        if parts.path in ("", "/") and not parts.query and base_path not in ("", "/"):
            continue
        return canonicalize_url(parts.geturl())
    return canonicalize_url(base_url)


# --------------------------------------------------------------------------- content

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "a PDF document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"PK\x03\x04", "a ZIP archive or office document"),
    (b"\x1f\x8b", "gzip-compressed data"),
    (b"BZh", "bzip2-compressed data"),
    (b"\xfd7zXZ\x00", "xz-compressed data"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"RIFF", "a RIFF media file (WebP/WAV/AVI)"),
    (b"OggS", "an Ogg media file"),
    (b"ID3", "an MP3 file"),
    (b"fLaC", "a FLAC audio file"),
    (b"\x1aE\xdf\xa3", "a Matroska/WebM video"),
    (b"wOFF", "a web font"),
    (b"wOF2", "a web font"),
    (b"\x7fELF", "an executable"),
    (b"MZ\x90\x00", "a Windows executable"),
    (b"\x00\x00\x01\x00", "an icon"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office document"),
)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_CONTROL_BYTES = frozenset(range(32)) - {9, 10, 12, 13, 27}


def sniff_binary(data: bytes, charset: str | None = None) -> str | None:
    """What ``data`` looks like if it is not text ("a PDF document", "binary data"),
    else None. Looks at the first kilobyte only."""
    head = data[:_SNIFF_BYTES]
    for magic, what in _MAGIC:
        if head.startswith(magic):
            return what
    if head[4:8] == b"ftyp":
        return "an MP4/HEIF media file"
    wide = head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or (
        charset is not None and charset.lower().replace("_", "-").startswith("utf-16")
    )
    if wide or not head:
        return None
    if b"\x00" in head:
        return "binary data"
    controls = sum(1 for b in head if b in _CONTROL_BYTES)
    return "binary data" if controls > len(head) * 0.05 else None


def _codec(name: str | None) -> str | None:
    """Python codec name for a declared charset, or None if unknown."""
    if not name:
        return None
    try:
        codec = codecs.lookup(name.strip().strip("\"'")).name
    except LookupError:
        return None
    # Browsers decode these labels as windows-1252 (WHATWG), and servers rely on it.
    if codec in ("latin-1", "iso8859-1", "ascii"):
        return "cp1252"
    return codec


_META_CHARSET = re.compile(rb"""<meta\s[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9._:\-]+)""", re.I)


def decode_body(data: bytes, charset: str | None = None, *, html: bool = True) -> tuple[str, str]:
    """Decode a body; returns ``(text, charset_used)``.

    Order: byte-order mark, declared ``charset``, ``<meta charset>``/http-equiv (HTML
    only), strict UTF-8, charset_normalizer's guess, else UTF-8 with replacement.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data.decode(codec, errors="replace"), codec
    codec = _codec(charset)
    if codec is None and html:
        match = _META_CHARSET.search(data[:4096])
        codec = _codec(match.group(1).decode("ascii")) if match else None
        if codec is not None and codec.startswith("utf-16"):
            codec = "utf-8"  # a meta tag readable as ASCII cannot be UTF-16 (WHATWG rule)
    if codec is not None:
        return data.decode(codec, errors="replace"), codec
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        import charset_normalizer
    except ImportError:
        charset_normalizer = None  # type: ignore[assignment]
    if charset_normalizer is not None:
        best = charset_normalizer.from_bytes(data[:65_536]).best()
        if best is not None and best.encoding:
            guessed = _codec(best.encoding) or best.encoding
            return data.decode(guessed, errors="replace"), guessed
    return data.decode("utf-8", errors="replace"), "utf-8"


class _BoundedDecoder:
    """Undoes one Content-Encoding (gzip or deflate) without ever producing more than
    the bytes asked for: httpx's decoders inflate a whole network chunk at once, and a
    few kilobytes of gzip can inflate to gigabytes before any size check runs."""

    def __init__(self, coding: str) -> None:
        self._coding = coding
        self._inflater: Any = None
        self._tail = b""  # compressed input not inflated yet (output was capped)

    def _new_inflater(self, first: bytes) -> Any:
        if self._coding == "gzip":
            return zlib.decompressobj(16 + zlib.MAX_WBITS)
        # "deflate" should be zlib-wrapped (RFC 9110), but some servers send raw deflate.
        wrapped = len(first) >= 2 and first[0] & 0x0F == 8 and (first[0] << 8 | first[1]) % 31 == 0
        return zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)

    def decode(self, data: bytes, limit: int) -> bytes:
        """Inflate ``data`` (after what is left over), producing at most ``limit`` bytes."""
        out = bytearray()
        pending = self._tail + data
        self._tail = b""
        while pending and len(out) < limit:
            if self._inflater is None:
                self._inflater = self._new_inflater(pending)
            inflater = self._inflater
            out += inflater.decompress(pending, limit - len(out))
            pending = inflater.unconsumed_tail
            if inflater.eof:
                # A gzip body may hold several members one after another; anything
                # after a deflate stream is junk and is dropped.
                rest = inflater.unused_data
                self._inflater = None
                pending = rest if self._coding == "gzip" and rest.strip(b"\x00") else b""
        self._tail = pending
        return bytes(out)


def _body_decoder(encoding: str) -> _BoundedDecoder | None:
    """The decoder for a ``Content-Encoding`` header value (None: identity); raises
    ValueError, with the reason, for stacked or unknown codings."""
    codings = [c.strip().lower() for c in encoding.split(",") if c.strip()]
    codings = [c for c in codings if c != "identity"]
    if not codings:
        return None
    if len(codings) > 1:
        raise ValueError(f"it is compressed several times over (Content-Encoding: {encoding})")
    coding = {"x-gzip": "gzip"}.get(codings[0], codings[0])
    if coding not in ("gzip", "deflate"):
        raise ValueError(f"it uses a compression newsbot cannot read ({codings[0]})")
    return _BoundedDecoder(coding)


def _looks_like_html(data: bytes) -> bool:
    head = data[:2048].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"<?xml")) or bool(
        re.search(rb"<(html|head|body|title|p|div|article)[\s>]", head)
    )


# --------------------------------------------------------------------------- fetch


@dataclass(frozen=True, slots=True)
class FetchedPage:
    """A fetched, decoded page."""

    url: str  # as asked
    final_url: str  # after redirects
    canonical_url: str  # rel=canonical / og:url / final URL, canonicalized
    status: int
    content_type: str  # media type without parameters, e.g. "text/html"
    charset: str  # the codec the text was decoded with
    text: str
    is_html: bool
    # Response headers of the final hop, lower-case names (repeated ones joined by ", ").
    headers: Mapping[str, str] = field(default_factory=dict, compare=False, hash=False)
    content: bytes = field(default=b"", repr=False, compare=False, hash=False)  # raw body
    not_modified: bool = False  # 304 to a conditional request: no body, nothing changed

    @property
    def etag(self) -> str | None:
        """The ``ETag`` validator, to send back as ``If-None-Match``."""
        return self.headers.get("etag") or None

    @property
    def last_modified(self) -> str | None:
        """The ``Last-Modified`` validator, to send back as ``If-Modified-Since``."""
        return self.headers.get("last-modified") or None


_CONDITIONAL = ("if-none-match", "if-modified-since")


def _human_bytes(n: int) -> str:
    return f"{n / 1_048_576:.1f} MB" if n >= 1_048_576 else f"{n / 1024:.0f} KB"


def _status_error(url: str, resp: httpx.Response) -> HTTPError:
    status = resp.status_code
    what = f"{url} answered HTTP {status} {resp.reason_phrase}".rstrip()
    if status in (401, 403):
        hint = "access is denied (the site may require a login or block bots)"
    elif status in (404, 410):
        hint = "the page does not exist; check the link"
    elif status == 429:
        hint = "the site is rate-limiting us; try again later"
    elif status >= 500:
        hint = "the site has a problem; try again later"
    elif status >= 400:
        hint = "the site refused the request; check the link"
    elif status in _REDIRECT_STATUSES:
        hint = "a redirect without a Location header; open the link in a browser"
    else:
        hint = "not a page newsbot can read"
    return HTTPError(f"{what}: {hint}", status=status, url=url)


async def _read_page(
    asked: str,
    current: str,
    resp: httpx.Response,
    settings: Settings,
    content_types: Collection[str],
    conditional: bool = False,
) -> FetchedPage:
    headers = {k.lower(): v for k, v in resp.headers.items()}
    if resp.status_code == 304 and conditional:
        return FetchedPage(
            url=asked,
            final_url=current,
            canonical_url=canonicalize_url(current),
            status=304,
            content_type="",
            charset="",
            text="",
            is_html=False,
            headers=headers,
            not_modified=True,
        )
    if not 200 <= resp.status_code < 300:
        raise _status_error(current, resp)
    raw_type = resp.headers.get("content-type", "")
    mime, _, params = raw_type.partition(";")
    mime = mime.strip().lower()
    charset = None
    for param in params.split(";"):
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip("\"'") or None
    if mime and mime not in content_types:
        raise UnsupportedContentType(
            f"{current} is {mime}, not a web page; newsbot reads HTML and plain-text articles only",
            url=asked,
            media_type=mime,
        )
    cap = settings.fetch_max_bytes
    length = resp.headers.get("content-length", "")
    if length.strip().isdigit() and int(length) > cap:
        raise TooLarge(
            f"refused {current}: it is {_human_bytes(int(length))} (Content-Length), over "
            f"the {_human_bytes(cap)} limit; raise NEWSBOT_FETCH_MAX_BYTES if such pages "
            f"are expected",
            url=asked,
        )
    try:
        decoder = _body_decoder(resp.headers.get("content-encoding", ""))
    except ValueError as exc:
        raise BadEncoding(f"refused {current}: {exc}", url=asked) from None
    too_large = TooLarge(
        f"refused {current}: the page is larger than the {_human_bytes(cap)} limit; "
        f"raise NEWSBOT_FETCH_MAX_BYTES if such pages are expected",
        url=asked,
    )
    body = bytearray()
    sniffed = False
    # Raw bytes, decoded here: the cap then bounds the decompressed size, chunk by chunk.
    async for raw in resp.aiter_raw():
        if decoder is None:
            chunk = raw
        else:
            try:
                chunk = decoder.decode(raw, cap + 1 - len(body))
            except zlib.error as exc:
                raise BadEncoding(
                    f"refused {current}: its {resp.headers['content-encoding']} body does "
                    f"not decompress ({exc})",
                    url=asked,
                ) from None
        body += chunk
        if len(body) > cap:
            raise too_large
        if not sniffed and len(body) >= _SNIFF_BYTES:
            sniffed = True
            _reject_binary(asked, current, bytes(body), mime, charset)
    data = bytes(body)
    if not sniffed:
        _reject_binary(asked, current, data, mime, charset)
    if not mime:
        mime = "text/html" if _looks_like_html(data) else "text/plain"
    is_html = mime in HTML_TYPES
    text, used = decode_body(data, charset, html=is_html)
    canonical = find_canonical_url(text, current) if is_html else canonicalize_url(current)
    return FetchedPage(
        url=asked,
        final_url=current,
        canonical_url=canonical,
        status=resp.status_code,
        content_type=mime,
        charset=used,
        text=text,
        is_html=is_html,
        headers=headers,
        content=data,
    )


def _reject_binary(asked: str, current: str, data: bytes, mime: str, charset: str | None) -> None:
    what = sniff_binary(data, charset)
    if what is not None:
        declared = f" although it is served as {mime}" if mime else ""
        raise UnsupportedContentType(
            f"{current} looks like {what}{declared}, not a web page; newsbot reads HTML "
            f"and plain-text articles only",
            url=asked,
            media_type=mime or None,
            looks_like=what,
        )


async def _fetch(
    url: str,
    settings: Settings,
    client: httpx.AsyncClient,
    content_types: Collection[str],
    extra_headers: Mapping[str, str] | None = None,
) -> FetchedPage:
    preflight = client not in _GUARDED and not settings.allow_private_networks
    current, previous = url, None
    redirects = 0
    headers = {
        "User-Agent": settings.user_agent,
        "Accept": _ACCEPT,
        "Accept-Encoding": _ACCEPT_ENCODING,
        **(extra_headers or {}),
    }
    conditional = any(name.lower() in _CONDITIONAL for name in headers)
    while True:
        target = _check_scheme(current, redirected_from=previous)
        host = target.host
        try:
            if preflight:
                await resolve_checked(host, target.port or _DEFAULT_PORTS[target.scheme], settings)
            async with client.stream(
                "GET",
                target,
                headers=headers,
                follow_redirects=False,
                timeout=httpx.Timeout(settings.fetch_timeout),
            ) as resp:
                location = resp.headers.get("location", "").strip()
                if resp.status_code not in _REDIRECT_STATUSES or not location:
                    return await _read_page(
                        url, current, resp, settings, content_types, conditional
                    )
        except BlockedAddress as exc:
            raise BlockedAddress(
                exc.address, exc.reason, url=current, host=host, redirected_from=previous
            ) from None
        except DNSError as exc:
            raise DNSError(f"could not fetch {current}: {exc.message}", url=url) from None
        except httpx.TimeoutException as exc:
            raise FetchTimeout(
                f"gave up on {current}: the site did not answer within "
                f"{settings.fetch_timeout:g} s; try again later or raise NEWSBOT_FETCH_TIMEOUT",
                url=url,
            ) from exc
        except httpx.ConnectError as exc:
            raise ConnectError(
                f"could not connect to {host} for {current} ({exc}); the site may be down — "
                f"try again later",
                url=url,
            ) from exc
        except (httpx.InvalidURL, httpx.RemoteProtocolError, UnicodeError) as exc:
            # httpx parses a redirect's Location before it hands the answer over, and
            # fails on one that is no valid URL (javascript:…, a bad IDNA name, …).
            if isinstance(exc, httpx.RemoteProtocolError) and "location" not in str(exc).lower():
                raise ConnectError(
                    f"{host} sent a malformed answer to {current} ({exc}); try again later",
                    url=url,
                ) from exc
            raise FetchError(
                f"{current} redirected to an address that is not a valid http(s) web address "
                f"({exc}); open the link in a browser and use the address it ends up at",
                url=url,
            ) from None
        except httpx.HTTPError as exc:
            raise ConnectError(
                f"the connection to {host} failed while fetching {current} "
                f"({type(exc).__name__}: {exc}); try again later",
                url=url,
            ) from exc
        if redirects >= settings.fetch_max_redirects:
            raise TooManyRedirects(
                f"gave up on {url}: more than {settings.fetch_max_redirects} redirects (the "
                f"last went to {_redirect_target(current, location)}); open the link in a "
                f"browser and "
                f"use the address it ends up at",
                url=url,
            )
        redirects += 1
        previous, current = current, _redirect_target(current, location)


async def fetch(
    url: str,
    settings: Settings,
    *,
    client: httpx.AsyncClient | None = None,
    content_types: Collection[str] = DEFAULT_CONTENT_TYPES,
    headers: Mapping[str, str] | None = None,
) -> FetchedPage:
    """Fetch ``url`` (following at most ``settings.fetch_max_redirects`` redirects) and
    decode it. Raises a :class:`FetchError` subclass with a readable message.

    ``settings.fetch_timeout`` bounds the whole call, redirects and body included.
    ``content_types`` lists the accepted media types (HTML, XHTML, text by default).
    ``headers`` are added to (or override) the default request headers on every hop.
    When they make the request conditional (``If-None-Match``/``If-Modified-Since``),
    a 304 answer returns a page with ``not_modified`` set and no body instead of an error.
    """
    url = url.strip()
    _check_scheme(url)
    own = client is None
    http = make_client(settings) if client is None else client
    try:
        async with asyncio.timeout(settings.fetch_timeout):
            return await _fetch(url, settings, http, content_types, headers)
    except TimeoutError as exc:
        raise FetchTimeout(
            f"gave up on {url} after {settings.fetch_timeout:g} s: the site is too slow or "
            f"not answering; try again later or raise NEWSBOT_FETCH_TIMEOUT",
            url=url,
        ) from exc
    finally:
        if own:
            await http.aclose()
