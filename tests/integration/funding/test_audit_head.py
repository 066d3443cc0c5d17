"""The audit trail is append-only in the database and the ORM; behind that, the application keeps
the head of its audit chain, so entries cut off the end are noticed too."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select, text
from sqlalchemy.exc import DBAPIError
from werkzeug.test import TestResponse

from services.funding.models import AuditEntry
from services.funding.models.applications import AuditEntryImmutable
from tests.conftest import Apps
from tests.integration.funding.helpers import APPLICATIONS, Desk, make_eligible, stored
from tests.support import builders
from tests.support.databases import guards_lifted
from tests.support.tokens import TokenMaker


@pytest.fixture
def desk(apps: Apps, tokens: TokenMaker) -> Desk:
    desk = Desk.around(apps.funding, tokens, builders.open_call(apps.funding))
    make_eligible(apps.funding, desk.organization_id)
    return desk


def audit(desk: Desk, application_id: str) -> TestResponse:
    response = desk.client.get(f"{APPLICATIONS}/{application_id}/audit", headers=desk.caseworker)
    assert response.status_code == 200, response.json
    return response


def delete_newest(desk: Desk, application_id: str, count: int) -> None:
    """An intruder with the table owner's rights switches the guard off and cuts the trail's end."""
    with builders.session_factory(desk.app).begin() as session, guards_lifted(session, "audit_entry"):
        newest = session.scalars(
            select(AuditEntry.id)
            .where(AuditEntry.application_id == application_id)
            .order_by(AuditEntry.id.desc())
            .limit(count)
        ).all()
        session.execute(delete(AuditEntry).where(AuditEntry.id.in_(newest)))


FORGERIES = {
    "update": "UPDATE audit_entry SET comment = 'nachträglich geändert', actor_id = 'jemand'",
    "delete": "DELETE FROM audit_entry",
}


@pytest.mark.parametrize("change", sorted(FORGERIES))
def test_the_database_refuses_to_change_or_delete_an_audit_entry(desk: Desk, change: str) -> None:
    application_id = desk.in_state("approved")
    before = audit(desk, application_id).json["entries"]

    with (
        pytest.raises(DBAPIError, match="append-only"),
        builders.session_factory(desk.app).begin() as session,
    ):
        session.execute(text(FORGERIES[change]))

    after = audit(desk, application_id).json
    assert (after["entries"], after["intact"]) == (before, True)


@pytest.mark.parametrize("change", ["update", "delete"])
def test_the_application_code_cannot_change_or_delete_an_audit_entry(desk: Desk, change: str) -> None:
    application_id = desk.in_state("recommended")

    with pytest.raises(AuditEntryImmutable), builders.session_factory(desk.app).begin() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.application_id == application_id)).first()
        if change == "update":
            entry.comment = "nachträglich geändert"
        else:
            session.delete(entry)

    assert audit(desk, application_id).json["intact"] is True


def test_the_head_is_the_newest_entrys_hash_and_an_untouched_trail_is_intact(desk: Desk) -> None:
    application_id = desk.in_state("approved")

    trail = audit(desk, application_id).json

    assert (trail["intact"], trail["first_broken_entry"]) == (True, None)
    assert stored(desk.app, application_id).audit_head_hash == trail["entries"][-1]["entry_hash"]


def test_a_draft_without_entries_is_intact(desk: Desk) -> None:
    application_id = desk.draft()

    assert audit(desk, application_id).json["intact"] is True


@pytest.mark.parametrize("count", [1, 2])
def test_deleting_the_newest_entries_is_reported_as_broken(desk: Desk, count: int) -> None:
    application_id = desk.in_state("approved")
    delete_newest(desk, application_id, count)

    trail = audit(desk, application_id).json

    assert len(trail["entries"]) == 3 - count
    # No remaining entry is broken: the trail as a whole is, because its end is missing.
    assert (trail["intact"], trail["first_broken_entry"]) == (False, None)


def test_deleting_every_entry_is_reported_as_broken(desk: Desk) -> None:
    application_id = desk.in_state("recommended")
    delete_newest(desk, application_id, 2)

    trail = audit(desk, application_id).json

    assert (trail["entries"], trail["intact"]) == ([], False)


def test_a_move_after_the_check_keeps_the_head_current(desk: Desk) -> None:
    application_id = desk.in_state("recommended")
    assert audit(desk, application_id).json["intact"] is True

    assert desk.act(application_id, "approve", desk.approver).status_code == 200

    trail = audit(desk, application_id).json
    assert trail["intact"] is True
    assert stored(desk.app, application_id).audit_head_hash == trail["entries"][-1]["entry_hash"]
