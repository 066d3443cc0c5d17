"""Programmes and calls: staff manage them, applicants see the published calls that are open.

Who may do what: every staff role (caseworker, approver, admin) reads programmes and all calls;
approvers (Leitung) and admins create and change programmes and calls and publish calls, since a
programme's rules and budget and a published call bind the KI's public money.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from services.funding.domain import rules
from services.funding.models import Call, Programme, ProgrammeBudget, outbox
from shared.auth import Actor
from shared.db import utcnow
from shared.errors import Conflict, Forbidden, Invalid, NotFound

MANAGERS = ("approver", "admin")
RULE_FIELDS = (
    "max_amount_cents",
    "financing_type",
    "funding_rate_bp",
    "fixed_amount_cents",
    "min_own_contribution_bp",
    "volunteer_hour_rate_cents",
    "volunteer_max_share_bp",
)


def programme_rules(programme: Programme) -> rules.Rules:
    values = {name: getattr(programme, name) for name in RULE_FIELDS}
    return rules.Rules(**values, eligible_categories=tuple(programme.eligible_categories or ()))


# --- programmes --------------------------------------------------------------------------------


def list_programmes(session: Session, actor: Actor) -> list[Programme]:
    _require_staff(actor)
    return list(session.scalars(select(Programme).order_by(Programme.name)))


def get_programme(session: Session, actor: Actor, programme_id: str) -> Programme:
    _require_staff(actor)
    programme = session.get(Programme, programme_id)
    if programme is None:
        raise NotFound("no such programme", field="programme_id")
    return programme


def create_programme(session: Session, actor: Actor, data: dict[str, Any]) -> Programme:
    _require_manager(actor)
    budgets = data.pop("budgets", [])
    _check_name_free(session, data["name"])
    programme = Programme(**{"eligible_categories": [], **data})
    programme.budgets = [ProgrammeBudget(committed_cents=0, **budget) for budget in budgets]
    _check_rules(programme)
    session.add(programme)
    session.flush()
    return programme


def update_programme(session: Session, actor: Actor, programme_id: str, data: dict[str, Any]) -> Programme:
    _require_manager(actor)
    programme = get_programme(session, actor, programme_id)
    budgets = data.pop("budgets", [])
    if data.get("name", programme.name) != programme.name:
        _check_name_free(session, data["name"])
    for name, value in data.items():
        setattr(programme, name, value)
    _check_rules(programme)
    for index, budget in enumerate(budgets):
        _set_budget(session, programme, index, budget["year"], budget["budget_cents"])
    session.flush()
    session.expire(programme, ["budgets"])  # reloaded in year order
    return programme


def _set_budget(session: Session, programme: Programme, index: int, year: int, cents: int) -> None:
    existing = session.get(ProgrammeBudget, (programme.id, year))
    if existing is None:
        programme.budgets.append(ProgrammeBudget(year=year, budget_cents=cents, committed_cents=0))
        return
    # Conditional, like approval's commit: a racing approval cannot slip in above the new budget.
    table = ProgrammeBudget
    lowered = session.execute(
        update(table)
        .where(table.programme_id == programme.id, table.year == year, table.committed_cents <= cents)
        .values(budget_cents=cents)
        .execution_options(synchronize_session=False)
    )
    session.refresh(existing)
    if lowered.rowcount != 1:
        raise Conflict(
            f"{rules.format_euro(existing.committed_cents)} of the {year} budget are already committed; "
            "the budget cannot be set below that",
            field=f"budgets[{index}].budget_cents",
        )


def _check_rules(programme: Programme) -> None:
    errors = rules.rules_errors(programme_rules(programme))
    if errors:
        raise Invalid(errors, "The programme's rules do not fit its financing type.")


def _check_name_free(session: Session, name: str) -> None:
    if session.scalar(select(Programme.id).where(Programme.name == name)) is not None:
        raise Conflict(f"a programme named {name!r} exists already", field="name")


# --- calls -------------------------------------------------------------------------------------


def list_open_calls(session: Session) -> list[Call]:
    now = utcnow()
    query = select(Call).where(Call.state == "published", Call.opens_at <= now, Call.closes_at > now)
    return list(session.scalars(query.order_by(Call.closes_at)))


def list_calls(session: Session, actor: Actor, filters: dict[str, Any]) -> list[Call]:
    _require_staff(actor)
    query = select(Call).order_by(Call.opens_at.desc())
    if "programme_id" in filters:
        query = query.where(Call.programme_id == str(filters["programme_id"]))
    if "state" in filters:
        query = query.where(Call.state == filters["state"])
    return list(session.scalars(query))


def get_call(session: Session, actor: Actor | None, call_id: str, for_update: bool = False) -> Call:
    """A published call for anyone; a draft only for staff (to others it does not exist)."""
    call = session.get(Call, call_id, with_for_update=for_update or None)
    if call is None or (call.state != "published" and not (actor and actor.is_staff)):
        raise NotFound("no such call", field="call_id")
    return call


def create_call(session: Session, actor: Actor, data: dict[str, Any]) -> Call:
    _require_manager(actor)
    data = {**data, "programme_id": str(data["programme_id"])}
    if session.get(Programme, data["programme_id"]) is None:
        raise NotFound("no such programme", field="programme_id")
    call = Call(**data, state="draft")
    _check_window(call)
    session.add(call)
    session.flush()
    return call


def update_call(session: Session, actor: Actor, call_id: str, data: dict[str, Any]) -> Call:
    _require_manager(actor)
    call = _draft_call(session, actor, call_id, "changed")
    for name, value in data.items():
        setattr(call, name, value)
    _check_window(call)
    session.flush()
    return call


def publish_call(session: Session, actor: Actor, call_id: str, portal_url: str) -> Call:
    _require_manager(actor)
    call = _draft_call(session, actor, call_id, "published")
    now = utcnow()
    if call.closes_at <= now:
        raise Conflict(f"the call closed on {rules.berlin_text(call.closes_at)}", field="closes_at")
    if session.get(ProgrammeBudget, (call.programme_id, call.budget_year)) is None:
        raise Conflict(
            f"the programme has no budget for {call.budget_year}; add one before publishing",
            field="budget_year",
        )
    call.state, call.published_at = "published", now
    outbox.record(session, "funding.call.published", 1, _call_published(call, portal_url))
    return call


def _draft_call(session: Session, actor: Actor, call_id: str, done: str) -> Call:
    call = get_call(session, actor, call_id, for_update=True)
    if call.state != "draft":
        raise Conflict(f"only a draft call can be {done}; this one is {call.state!r}", field="state")
    return call


def _check_window(call: Call) -> None:
    if call.closes_at <= call.opens_at:
        raise Invalid({"closes_at": [f"must be after the opening, {rules.berlin_text(call.opens_at)}"]})


def _call_published(call: Call, portal_url: str) -> dict[str, Any]:
    return {
        "call_id": call.id,
        "programme_id": call.programme_id,
        "programme_name": call.programme.name,
        "title": call.title,
        "summary": call.summary,
        "districts": list(call.districts),
        "budget_year": call.budget_year,
        "opens_at": call.opens_at.isoformat(),
        "closes_at": call.closes_at.isoformat(),
        "published_at": call.published_at.isoformat() if call.published_at else None,
        "portal_url": f"{portal_url}/funding/calls/{call.id}",
    }


def _require_staff(actor: Actor) -> None:
    if not actor.is_staff:
        raise Forbidden("only KI staff may see programmes and unpublished calls")


def _require_manager(actor: Actor) -> None:
    if not actor.has_role(*MANAGERS):
        raise Forbidden("only approvers and admins may manage programmes and calls")
