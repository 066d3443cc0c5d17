"""Mailbox persistence: one `<id>.eml` per message plus a `<id>.json` envelope sidecar."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from email.parser import BytesHeaderParser
from email.utils import getaddresses, parseaddr
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from shared.mailbox.store import ReceivedMessage


class StoredMessage(NamedTuple):
    id: int
    sender: str
    recipients: list[str]
    raw: bytes
    received_at: datetime


def write(directory: Path, message: ReceivedMessage) -> None:
    envelope = {
        "sender": message.sender,
        "recipients": list(message.recipients),
        "received_at": message.received_at.isoformat(),
    }
    _atomic_write(directory / f"{message.id}.eml", message.raw)
    _atomic_write(directory / f"{message.id}.json", json.dumps(envelope).encode())


def remove(directory: Path, message_id: int) -> None:
    for suffix in (".eml", ".json"):
        (directory / f"{message_id}{suffix}").unlink(missing_ok=True)


def read_all(directory: Path) -> list[StoredMessage]:
    paths = [path for path in directory.glob("*.eml") if path.stem.isdigit()]
    return [_read(path) for path in sorted(paths, key=lambda path: int(path.stem))]


def _atomic_write(path: Path, data: bytes) -> None:
    # A crash mid-write must not leave a truncated file that breaks the next start.
    partial = path.with_name(path.name + ".tmp")
    partial.write_bytes(data)
    partial.replace(path)


def _read(path: Path) -> StoredMessage:
    raw = path.read_bytes()
    sidecar = path.with_suffix(".json")
    if not sidecar.exists():
        return _from_headers(path, raw)
    envelope = json.loads(sidecar.read_text(encoding="utf-8"))
    return StoredMessage(
        id=int(path.stem),
        sender=envelope["sender"],
        recipients=envelope["recipients"],
        raw=raw,
        received_at=datetime.fromisoformat(envelope["received_at"]),
    )


def _from_headers(path: Path, raw: bytes) -> StoredMessage:
    # A hand-copied .eml has no envelope; its headers and file time are the best guess.
    headers = BytesHeaderParser().parsebytes(raw)
    fields = [str(value) for name in ("To", "Cc") for value in headers.get_all(name, [])]
    return StoredMessage(
        id=int(path.stem),
        sender=parseaddr(str(headers.get("From", "")))[1],
        recipients=[address for _, address in getaddresses(fields) if address],
        raw=raw,
        received_at=datetime.fromtimestamp(path.stat().st_mtime, UTC),
    )
