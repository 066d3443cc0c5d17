"""Spreadsheet imports of organisations: the uploaded file and the progress a user can watch."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from services.network.models.base import Base, new_id
from shared.db import UtcDateTime, utcnow

IMPORT_STATUSES = ("queued", "running", "done", "failed")


class ImportJob(Base):
    """One uploaded file and its processing; the file is kept in the database, so any worker on any
    machine can read it, and it is cleared once the job is done (the row results remain)."""

    __tablename__ = "import_job"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    status: Mapped[str] = mapped_column(String(20), default="queued")
    filename: Mapped[str] = mapped_column(String(255), default="")
    file_format: Mapped[str] = mapped_column(String(8))
    content: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_by: Mapped[str] = mapped_column(String(36), default="")
    total: Mapped[int] = mapped_column(Integer, default=0)
    processed: Mapped[int] = mapped_column(Integer, default=0)
    created_count: Mapped[int] = mapped_column(Integer, default=0)
    updated_count: Mapped[int] = mapped_column(Integer, default=0)
    rejected_count: Mapped[int] = mapped_column(Integer, default=0)
    results: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
