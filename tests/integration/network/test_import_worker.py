"""The real import runs in network's Celery worker, and its progress reaches done."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from services.network.models import Organization
from services.network.services import taxonomies
from shared.db import transaction
from tests.conftest import Stack
from tests.support import builders
from tests.support.waiting import wait_until

pytestmark = pytest.mark.integration
IMPORTS = "/network/api/v1/imports"
FIXTURES = Path(__file__).parents[2] / "fixtures" / "imports"


def test_an_uploaded_file_is_imported_by_the_worker_while_staff_watch_the_progress(
    stack: Stack, tokens: Any
) -> None:
    with transaction(builders.session_factory(stack.apps.network)) as session:
        taxonomies.seed(session)
    network, staff = stack.apps.client("network"), tokens.headers("caseworker")
    body = {"file": (io.BytesIO((FIXTURES / "organisationen-utf8.csv").read_bytes()), "organisationen.csv")}

    posted = network.post(IMPORTS, headers=staff, data=body, content_type="multipart/form-data")
    assert posted.status_code == 202, posted.json
    assert posted.json["status"] == "queued" and posted.json["total"] == 4

    def finished() -> dict[str, Any] | None:
        progress = network.get(f"{IMPORTS}/{posted.json['id']}", headers=staff).json
        return progress if progress["status"] in ("done", "failed") else None

    job = wait_until(finished, timeout=30, what="the network worker to finish the import")
    assert (job["status"], job["processed"], job["created"], job["updated"], job["rejected"]) == (
        "done", 4, 3, 0, 1,
    )  # fmt: skip
    assert job["rows"][3]["errors"] and job["rows"][3]["row"] == 5
    with builders.session_factory(stack.apps.network)() as session:
        statuses = session.execute(
            select(Organization.status, func.count()).group_by(Organization.status)
        ).all()
    assert statuses == [("registered", 3)]
