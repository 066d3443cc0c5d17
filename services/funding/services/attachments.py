"""Attachments: upload, list, open and delete; the files sit in a store outside the database."""

from __future__ import annotations

import errno
import functools
import hashlib
import logging
import os
import re
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session, SessionTransaction

from services.funding.domain import attachments as rules
from services.funding.models.attachments import Attachment
from services.funding.services.workflow import get_application
from shared.auth import Actor
from shared.errors import DomainError, NotFound

log = logging.getLogger(__name__)
CHUNK = 64 * 1024
KEY = re.compile(r"[0-9a-f]{32}")
# session.info keys: callbacks waiting for the outermost transaction to end, and whether it committed
PENDING, COMMITTED = "funding.attachments.pending", "funding.attachments.committed"


class StorageFull(DomainError):
    status = 507
    title = "Insufficient Storage"


# ---------------------------------------------------------------- the store


class Incoming(Protocol):
    """A received file not yet kept: its size and hash are known, its content can be inspected."""

    size: int
    sha256: str

    def open(self) -> BinaryIO: ...

    def keep(self) -> str:
        """Store it under a new generated key and return the key."""
        ...


class AttachmentStore(Protocol):
    """Where files live; a local directory now, object storage could take its place."""

    def receive(self, stream: BinaryIO, max_bytes: int) -> AbstractContextManager[Incoming]:
        """Copy up to ``max_bytes + 1`` bytes aside; whatever is not kept is gone on leaving."""
        ...

    def open(self, key: str) -> BinaryIO: ...

    def delete(self, key: str) -> None: ...


@dataclass
class LocalIncoming:
    store: LocalDirectoryStore
    temp: Path
    size: int = 0
    sha256: str = ""
    kept: bool = False

    def open(self) -> BinaryIO:
        return self.temp.open("rb")

    def keep(self) -> str:
        key = uuid.uuid4().hex
        target = self.store.path(key)
        target.parent.mkdir(exist_ok=True)
        os.replace(self.temp, target)  # atomic: a file is there whole or not at all
        self.kept = True
        return key


class LocalDirectoryStore:
    """Files as ``<root>/<2 hex>/<32 hex>``, readable only by the service's user."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)

    @contextmanager
    def receive(self, stream: BinaryIO, max_bytes: int) -> Iterator[LocalIncoming]:
        descriptor, temp = tempfile.mkstemp(dir=self.root, prefix=".incoming-", suffix=".part")
        incoming = LocalIncoming(self, Path(temp))
        try:
            with os.fdopen(descriptor, "wb") as out:
                incoming.size, incoming.sha256 = _copy(stream, out, max_bytes + 1)
                out.flush()
                os.fsync(out.fileno())
            yield incoming
        except OSError as exc:
            if exc.errno == errno.ENOSPC:
                raise StorageFull("there is no room left to store the file; please try again later") from exc
            raise
        finally:
            if not incoming.kept:
                incoming.temp.unlink(missing_ok=True)

    def path(self, key: str) -> Path:
        if not KEY.fullmatch(key):
            raise ValueError(f"not a storage key: {key!r}")
        return self.root / key[:2] / key

    def open(self, key: str) -> BinaryIO:
        return self.path(key).open("rb")

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)


def _copy(source: BinaryIO, target: BinaryIO, at_most: int) -> tuple[int, str]:
    digest, size = hashlib.sha256(), 0
    while size < at_most and (chunk := source.read(min(CHUNK, at_most - size))):
        target.write(chunk)
        digest.update(chunk)
        size += len(chunk)
    return size, digest.hexdigest()


# ---------------------------------------------------------------- use cases


@dataclass(frozen=True)
class Upload:
    filename: str | None
    stream: BinaryIO
    description: str = ""


def add_attachment(
    session: Session,
    store: AttachmentStore,
    application_id: str,
    actor: Actor,
    upload: Upload,
    limits: rules.Limits,
) -> Attachment:
    """Check rights, size, content and room, then keep the file; it is removed again on rollback."""
    application = get_application(session, application_id, actor, for_update=True)
    rules.check_may_change(actor, application.organization_id, application.state)
    with store.receive(upload.stream, limits.max_file_bytes) as incoming:
        rules.check_size(incoming.size, limits)
        with incoming.open() as content:
            kind = rules.detect(content)
        rules.check_room(*_usage(session, application.id), incoming.size, limits)
        key = incoming.keep()
        when_transaction_ends(session, rolled_back=functools.partial(_discard, store, key))
    attachment = Attachment(
        application_id=application.id,
        storage_key=key,
        original_name=rules.clean_filename(upload.filename),
        description=upload.description,
        content_type=kind.mime,
        size_bytes=incoming.size,
        sha256=incoming.sha256,
        uploaded_by=actor.user_id,
    )
    session.add(attachment)
    session.flush()
    return attachment


def list_attachments(session: Session, application_id: str, actor: Actor) -> list[Attachment]:
    application = get_application(session, application_id, actor)
    query = select(Attachment).where(Attachment.application_id == application.id)
    return list(session.scalars(query.order_by(Attachment.uploaded_at, Attachment.id)))


def get_attachment(session: Session, application_id: str, attachment_id: str, actor: Actor) -> Attachment:
    """An attachment of an application the actor may see; any other looks like none at all."""
    get_application(session, application_id, actor)
    attachment = session.get(Attachment, attachment_id)
    if attachment is None or attachment.application_id != application_id:
        raise NotFound("no such attachment")
    return attachment


def open_attachment(store: AttachmentStore, attachment: Attachment) -> BinaryIO:
    try:
        return store.open(attachment.storage_key)
    except FileNotFoundError as exc:
        log.error("attachment %s: file %s is missing from the store", attachment.id, attachment.storage_key)
        raise NotFound("the file of this attachment is not available") from exc


def delete_attachment(
    session: Session, store: AttachmentStore, application_id: str, attachment_id: str, actor: Actor
) -> None:
    """Delete the record; the file goes once the deletion is committed, not before."""
    application = get_application(session, application_id, actor, for_update=True)
    attachment = get_attachment(session, application_id, attachment_id, actor)
    rules.check_may_change(actor, application.organization_id, application.state)
    session.delete(attachment)
    session.flush()
    when_transaction_ends(session, committed=functools.partial(_discard, store, attachment.storage_key))


def _usage(session: Session, application_id: str) -> tuple[int, int]:
    """(count, total bytes) of the application's attachments."""
    query = select(func.count(), func.coalesce(func.sum(Attachment.size_bytes), 0))
    count, total = session.execute(query.where(Attachment.application_id == application_id)).one()
    return int(count), int(total)


def _discard(store: AttachmentStore, key: str) -> None:
    try:
        store.delete(key)
    except OSError:
        # The database is already right; an orphaned file costs space, not correctness.
        log.exception("could not delete stored file %s", key)


def when_transaction_ends(
    session: Session,
    committed: Callable[[], None] | None = None,
    rolled_back: Callable[[], None] | None = None,
) -> None:
    """Run ``committed`` or ``rolled_back`` once the session's outermost transaction has ended."""
    if PENDING not in session.info:
        session.info[PENDING] = []
        event.listen(session, "after_commit", _mark_committed)
        event.listen(session, "after_transaction_end", _run_pending)
    session.info[PENDING].append((committed, rolled_back))


def _mark_committed(session: Session) -> None:
    # Fires for the outermost transaction only, after the database has committed.
    session.info[COMMITTED] = True


def _run_pending(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is not None:  # a savepoint; its outer transaction decides
        return
    pending, session.info[PENDING] = session.info[PENDING], []
    was_committed = session.info.pop(COMMITTED, False)
    for committed, rolled_back in pending:
        callback = committed if was_committed else rolled_back
        if callback is not None:
            callback()
