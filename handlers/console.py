"""The console sink: alerts printed as plain text, for `newsbot run` with no chat platform."""

from __future__ import annotations

import itertools
import sys
from typing import TextIO

from bot.analysis.alerts import Alert
from bot.service.outbox import SendResult
from bot.service.store import ChannelRow, DeliveryRow
from handlers.render import plain_text


class ConsoleSink:
    """Prints each alert (``Alert.to_text`` with its kind's label) to a text stream.

    Message ids are a per-sink counter, so edits and threads have something to refer to.
    """

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream
        self._ids = itertools.count(1)

    @property
    def stream(self) -> TextIO:
        # Looked up at send time, so pytest's capsys and redirected stdout both work.
        return self._stream if self._stream is not None else sys.stdout

    async def send(self, channel: ChannelRow, delivery: DeliveryRow, alert: Alert) -> SendResult:
        """Write the alert and a blank line; never fails short of a broken stream."""
        label = f"[{channel.name}] " if channel.name else ""
        self.stream.write(f"{label}{plain_text(alert, delivery.kind)}\n\n")
        self.stream.flush()
        return SendResult(message_id=str(next(self._ids)))
