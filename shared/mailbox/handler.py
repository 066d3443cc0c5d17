"""aiosmtpd handler: stores each message in a Mailbox unless a scripted failure says otherwise."""

from __future__ import annotations

import asyncio
import threading
from collections import deque
from dataclasses import dataclass

from aiosmtpd.smtp import SMTP, Envelope, Session

from shared.mailbox.store import Mailbox

CLOSING_CODE = 421
ACCEPTED = "250 2.0.0 Message accepted"


@dataclass(frozen=True)
class Outcome:
    """What one DATA command does instead of a plain 250; no code means "drop"."""

    code: int | None = None
    message: str = ""


class MailboxHandler:
    def __init__(self, mailbox: Mailbox) -> None:
        self.mailbox = mailbox
        self._script: deque[Outcome] = deque()
        # per address: (outcome, how many more RCPTs to refuse; None = until cleared)
        self._refusals: dict[str, tuple[Outcome, int | None]] = {}
        self._lock = threading.Lock()

    def refuse(self, address: str, outcome: Outcome, count: int | None) -> None:
        with self._lock:
            self._refusals[address.lower()] = (outcome, count)

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook name
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        outcome = self._next_refusal(address.lower())
        if outcome is not None:
            return await _refuse(server, outcome)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    def _next_refusal(self, address: str) -> Outcome | None:
        with self._lock:
            outcome, count = self._refusals.get(address, (None, None))
            if outcome is not None and count is not None:
                if count <= 1:
                    del self._refusals[address]
                else:
                    self._refusals[address] = (outcome, count - 1)
            return outcome

    def script(self, outcome: Outcome, count: int) -> None:
        with self._lock:
            self._script.extend([outcome] * count)

    def clear_script(self) -> None:
        with self._lock:
            self._script.clear()
            self._refusals.clear()

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        outcome = self._next_outcome()
        if outcome is not None and outcome.code is not None:
            return await _refuse(server, outcome)
        self.mailbox.add(envelope.mail_from or "", list(envelope.rcpt_tos), _content(envelope))
        if outcome is not None and server.transport is not None:
            server.transport.abort()
            await _until_cancelled()
        return ACCEPTED

    def _next_outcome(self) -> Outcome | None:
        with self._lock:
            return self._script.popleft() if self._script else None


async def _refuse(server: SMTP, outcome: Outcome) -> str:
    reply = f"{outcome.code} {outcome.message}"
    if outcome.code == CLOSING_CODE and server.transport is not None:
        # 421 means "closing the channel" (RFC 5321 3.8), so behave like a real server.
        await server.push(reply)
        server.transport.close()
        await _until_cancelled()
    return reply


async def _until_cancelled() -> None:
    # aiosmtpd cancels the session task once the connection is gone; no reply must follow.
    await asyncio.get_running_loop().create_future()


def _content(envelope: Envelope) -> bytes:
    content = envelope.original_content or envelope.content or b""
    return content.encode("utf-8", "surrogateescape") if isinstance(content, str) else content
