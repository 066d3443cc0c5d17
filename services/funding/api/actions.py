"""The one way an endpoint runs a workflow action for the caller."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from services.funding.models import Application
from shared.web import current_actor, unit_of_work

PREFIX = "/funding/api/v1"


def act(use_case: Callable[..., Application], application_id: Any, **data: Any) -> Application:
    """Run one workflow action for the caller in one transaction; the body's fields are its arguments."""
    actor = current_actor()
    with unit_of_work() as session:
        return use_case(session, str(application_id), actor, **data)
