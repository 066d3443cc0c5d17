"""Thread-safe store of received mail, optionally mirrored to a directory of .eml files."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any, cast

from shared.mailbox import files

Predicate = Callable[["ReceivedMessage"], bool]
Recipients = list[str] | tuple[str, ...]


@dataclass(frozen=True)
class ReceivedMessage:
    id: int
    sender: str
    recipients: tuple[str, ...]
    subject: str
    message_id: str
    date: str
    received_at: datetime
    raw: bytes

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "sender": self.sender,
            "recipients": list(self.recipients),
            "subject": self.subject,
            "message_id": self.message_id,
            "date": self.date,
            "received_at": self.received_at.isoformat(),
            "raw": self.raw.decode("utf-8", errors="replace"),
        }

    def parsed(self) -> EmailMessage:
        return cast(EmailMessage, BytesParser(policy=policy.default).parsebytes(self.raw))


def _header(headers: EmailMessage, name: str) -> str:
    try:
        return str(headers.get(name, "")).strip()
    except Exception:  # a malformed header must not cost us the message
        return ""


def build_message(
    id: int, sender: str, recipients: Recipients, raw: bytes, received_at: datetime | None = None
) -> ReceivedMessage:
    headers = cast(EmailMessage, BytesParser(policy=policy.default).parsebytes(raw, True))
    return ReceivedMessage(
        id=id,
        sender=sender,
        recipients=tuple(recipients),
        subject=_header(headers, "Subject"),
        message_id=_header(headers, "Message-ID"),
        date=_header(headers, "Date"),
        received_at=received_at or datetime.now(UTC),
        raw=raw,
    )


class Mailbox:
    """Keeps every message; `wait_for` lets tests block until mail arrives."""

    def __init__(self, directory: Path | None = None) -> None:
        self._directory = directory
        self._messages: dict[int, ReceivedMessage] = {}
        self._next_id = 1
        self._changed = threading.Condition()
        if directory is not None:
            directory.mkdir(parents=True, exist_ok=True)
            self._load(directory)

    def add(self, sender: str, recipients: Recipients, raw: bytes) -> ReceivedMessage:
        with self._changed:
            message = build_message(self._next_id, sender, recipients, raw)
            self._next_id += 1
            self._messages[message.id] = message
            if self._directory is not None:
                files.write(self._directory, message)
            self._changed.notify_all()
        return message

    def messages(self) -> list[ReceivedMessage]:
        with self._changed:
            return [self._messages[key] for key in sorted(self._messages)]

    def get(self, id: int) -> ReceivedMessage | None:
        with self._changed:
            return self._messages.get(id)

    def clear(self) -> None:
        with self._changed:
            if self._directory is not None:
                for message_id in self._messages:
                    files.remove(self._directory, message_id)
            # Ids keep counting so links to deleted messages never show a different one.
            self._messages.clear()
            self._changed.notify_all()

    def wait_for(
        self, count: int, timeout: float = 10, predicate: Predicate | None = None
    ) -> list[ReceivedMessage]:
        def matching() -> list[ReceivedMessage]:
            return [m for m in self.messages() if predicate is None or predicate(m)]

        with self._changed:
            if self._changed.wait_for(lambda: len(matching()) >= count, timeout):
                return matching()
            found = self.messages()
        raise TimeoutError(_timeout_text(count, timeout, predicate, found, matching()))

    def _load(self, directory: Path) -> None:
        for stored in files.read_all(directory):
            message = build_message(**stored._asdict())
            self._messages[message.id] = message
            self._next_id = max(self._next_id, message.id + 1)


def _timeout_text(
    count: int,
    timeout: float,
    predicate: Predicate | None,
    found: list[ReceivedMessage],
    matched: list[ReceivedMessage],
) -> str:
    wanted = f"{count} message(s)" + (" matching the predicate" if predicate else "")
    arrived = f"{len(found)} arrived" + (f", {len(matched)} matching" if predicate else "")
    subjects = ", ".join(repr(m.subject) for m in found) or "none"
    return f"Timed out after {timeout}s waiting for {wanted}: {arrived}; subjects: {subjects}"
