"""The one way an endpoint runs a workflow action for the caller."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from services.funding.config import Settings
from services.funding.models import Application
from shared.web import current_actor, service_context, unit_of_work

PREFIX = "/funding/api/v1"


def settings() -> Settings:
    """The funding app's settings (create_app builds them as funding's own Settings)."""
    return cast(Settings, service_context().settings)


def act(use_case: Callable[..., Application], application_id: Any, **data: Any) -> Application:
    """Run one workflow action for the caller in one transaction; the body's fields are its arguments."""
    actor = current_actor()
    with unit_of_work() as session:
        return use_case(session, str(application_id), actor, **data)
