"""What the loopback fakes share: scripted replies, recorded requests, and reading one
HTTP/1.1 request from an asyncio stream."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit


async def read_http_request(
    reader: asyncio.StreamReader,
) -> tuple[str, str, dict[str, str], bytes] | None:
    """(method, target, lower-case headers, body), or None when the client sent nothing.
    Handles Content-Length and chunked bodies."""
    line = await reader.readline()
    if not line.strip():
        return None
    method, target, _ = line.decode("latin-1").split(" ", 2)
    headers: dict[str, str] = {}
    while True:
        raw = await reader.readline()
        if raw in (b"\r\n", b"\n", b""):
            break
        name, _, value = raw.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    if headers.get("transfer-encoding", "").lower() == "chunked":
        chunks = []
        while True:
            size = int((await reader.readline()).split(b";")[0], 16)
            chunk = await reader.readexactly(size + 2)
            if size == 0:
                break
            chunks.append(chunk[:-2])
        body = b"".join(chunks)
    else:
        body = await reader.readexactly(int(headers.get("content-length", "0")))
    return method, target, headers, body


@dataclass
class Reply:
    """One scripted answer. ``body``: a dict or list (sent as JSON), a str, or None for the
    platform's usual body for ``status``. ``delay`` holds the answer back (seconds)."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None
    delay: float = 0.0


@dataclass
class ReceivedRequest:
    """One request as the receiver saw it, and the status it was answered with."""

    method: str
    target: str
    headers: dict[str, str]  # lower-case names
    body: bytes
    at: float  # time.monotonic() when it arrived
    status: int | None = None  # None until answered (or if the client went away)

    @property
    def path(self) -> str:
        return urlsplit(self.target).path

    @property
    def query(self) -> dict[str, str]:
        return dict(parse_qsl(urlsplit(self.target).query))

    @property
    def json(self) -> Any:
        return json.loads(self.body) if self.body else None

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300
