"""Every route of the funding API, called anonymously, by each role, and by another organisation.

Routes are read from the app's url map, so a new endpoint is covered the moment it exists. Request
bodies are generated from the route's OpenAPI schema, so each call passes validation and reaches the
access check. A route that neither the tables below nor the generic rules classify fails
``test_every_route_is_classified``: decide who may call it and add it here.
"""

from __future__ import annotations

import io
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import product
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from werkzeug.routing import AnyConverter, IntegerConverter, Rule, UUIDConverter
from werkzeug.test import TestResponse

from services.funding import domain
from services.funding.app import create_app
from services.funding.config import Settings
from services.funding.models import Base
from tests.conftest import Apps
from tests.integration.funding.after_approval import report_due, submit_report
from tests.integration.funding.helpers import UNREACHABLE_REDIS, Desk, make_eligible
from tests.support import builders
from tests.support.tokens import TokenMaker

PREFIX = "/funding/api/v1"
STAFF = frozenset({"caseworker", "approver", "admin"})
MANAGERS = frozenset({"approver", "admin"})
ROLES = ("applicant", "caseworker", "approver", "admin")
EVERYONE = frozenset(ROLES)
APPLICANTS = frozenset({"applicant"})

# Routes anyone may call without signing in.
PUBLIC = {"GET /calls", "GET /calls/<uuid:call_id>"}
# Routes without an application or organisation in the path, open to every signed-in person: what
# they touch is scoped by the caller's organisations (checked by the other-organisation test).
SIGNED_IN: dict[str, frozenset[str]] = {
    "GET /applications": EVERYONE,  # staff see all, applicants only their organisations' applications
    "POST /applications": APPLICANTS,  # the body names the organisation; only its members may apply
}
# Routes of one application that only its organisation's members may call (staff read, never write).
MEMBERS_ONLY: dict[str, frozenset[str]] = {
    "PATCH /applications/<uuid:application_id>": APPLICANTS,
    "POST /applications/<uuid:application_id>/attachments": APPLICANTS,
    "DELETE /applications/<uuid:application_id>/attachments/<uuid:attachment_id>": APPLICANTS,
    "POST /applications/<uuid:application_id>/payouts": APPLICANTS,
    "POST /applications/<uuid:application_id>/report": APPLICANTS,
}
# Routes only KI staff may call (the roles that may, where not every staff role may).
STAFF_ONLY: dict[str, frozenset[str]] = {
    "GET /budgets": STAFF,
    "GET /budgets/export.<any(csv, xlsx):file_format>": STAFF,
    "GET /applications/<uuid:application_id>/audit": STAFF,
    "GET /programmes": STAFF,
    "GET /programmes/<uuid:programme_id>": STAFF,
    "POST /programmes": MANAGERS,
    "PATCH /programmes/<uuid:programme_id>": MANAGERS,
    "GET /calls/all": STAFF,
    "POST /calls": MANAGERS,
    "PATCH /calls/<uuid:call_id>": MANAGERS,
    "POST /calls/<uuid:call_id>/publish": MANAGERS,
    "GET /programmes/<uuid:programme_id>/checklist": STAFF,
    "POST /programmes/<uuid:programme_id>/checklist": MANAGERS,
    "PATCH /programmes/<uuid:programme_id>/checklist/<uuid:item_id>": MANAGERS,
    "DELETE /programmes/<uuid:programme_id>/checklist/<uuid:item_id>": MANAGERS,
    "GET /applications/<uuid:application_id>/assessment": STAFF,
    "PUT /applications/<uuid:application_id>/assessment": frozenset({"caseworker"}),
    "POST /applications/<uuid:application_id>/payouts/<uuid:payout_id>/approve": frozenset({"approver"}),
    "POST /applications/<uuid:application_id>/payouts/<uuid:payout_id>/reject": frozenset({"approver"}),
    "POST /applications/<uuid:application_id>/report/request_changes": frozenset({"caseworker"}),
    "POST /applications/<uuid:application_id>/report/accept": frozenset({"caseworker"}),
}
# The state an application is put in before a route is called, so that a missing access check would
# show as a success (generic workflow actions use the first state they start from).
STATE_FOR = {
    "/attachments": "draft",
    "/letter": "approved",
    "/payouts": "approved",
    "/report": "report_due",
    "/report/request_changes": "report_submitted",
    "/report/accept": "report_submitted",
}
SCOPES = ("<uuid:application_id>", "<uuid:organization_id>")
CASE_ONLY = {"application_id", "organization_id", "file_format"}
ACTION_ROUTE = re.compile(r"^/applications/<uuid:application_id>/(\w+)$")
# Values the schema's types alone do not pin down (a string that must be a language code, …).
FIELD_EXAMPLES: dict[str, Any] = {
    "languages": "de",
    "opens_at": "2030-06-01T09:00",  # calls take Berlin wall-clock time without an offset
    "closes_at": "2030-06-30T18:00",
}
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@dataclass(frozen=True)
class Route:
    method: str
    rule: Rule
    choices: tuple[tuple[str, str], ...] = ()  # values for <any(…)> parts: each gets its own route

    @property
    def name(self) -> str:
        return " ".join([self.key, *(f"{part}={value}" for part, value in self.choices)])

    @property
    def path(self) -> str:
        return self.rule.rule.removeprefix(PREFIX)

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def action(self) -> str | None:
        match = ACTION_ROUTE.match(self.path)
        return match.group(1) if match and match.group(1) in domain.TRANSITIONS else None

    @property
    def scoped(self) -> bool:
        return any(scope in self.path for scope in SCOPES)

    @property
    def roles(self) -> frozenset[str] | None:
        """Who may call it, where the tables or the workflow say; None where only scope decides."""
        for table in (STAFF_ONLY, SIGNED_IN, MEMBERS_ONLY):
            if self.key in table:
                return table[self.key]
        if self.action:
            return frozenset({domain.TRANSITIONS[self.action].role})
        return None

    @property
    def classified(self) -> bool:
        return self.key in PUBLIC or self.key in SIGNED_IN or self.key in STAFF_ONLY or self.scoped

    @property
    def state(self) -> str:
        if self.action:
            return domain.TRANSITIONS[self.action].source[0]
        suffix = self.path.removeprefix("/applications/<uuid:application_id>")
        return STATE_FOR.get(re.sub(r"/<uuid:\w+>.*", "", suffix), "submitted")


def _routes() -> tuple[list[Route], dict[str, Any]]:
    """The funding app's routes under the API prefix, and its OpenAPI document."""
    settings = Settings(
        service="funding", database_url="sqlite://", redis_url=UNREACHABLE_REDIS, jwt_public_key=None
    )
    app = create_app(settings)
    spec = app.test_client().get(f"{PREFIX}/openapi.json").json
    app.extensions["teilhabe"].engine.dispose()
    routes = [
        Route(method, rule, choices)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith(f"{PREFIX}/") and not rule.rule.endswith("openapi.json")
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
        for choices in _choices(rule)
    ]
    return sorted(routes, key=lambda route: route.name), spec


def _choices(rule: Rule) -> list[tuple[tuple[str, str], ...]]:
    parts = [(name, sorted(c.items)) for name, c in rule._converters.items() if isinstance(c, AnyConverter)]
    return [
        tuple(zip([name for name, _ in parts], values, strict=True))
        for values in product(*(v for _, v in parts))
    ]


ROUTES, SPEC = _routes()
GUARDED = [route for route in ROUTES if route.key not in PUBLIC]


def route_ids(route: Route) -> str:
    return route.name


# --- building the calls ---------------------------------------------------------------------------


@dataclass
class Scene:
    """One organisation's application in a chosen state, its members and staff, and a stranger."""

    desk: Desk
    application_id: str
    stranger: dict[str, str]
    ids: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.ids.update(
            application_id=self.application_id,
            organization_id=self.desk.organization_id,
            call_id=self.desk.programmes.call_id,
            programme_id=self.desk.programmes.programme_id,
        )

    def call(self, route: Route, headers: dict[str, str] | None) -> TestResponse:
        return send(self.desk.app, route, self.ids, headers)


def send(app: Flask, route: Route, ids: dict[str, str], headers: dict[str, str] | None) -> TestResponse:
    values = {name: _path_value(name, converter, ids) for name, converter in route.rule._converters.items()}
    values.update(route.choices)
    path = app.url_map.bind("localhost").build(route.rule.endpoint, values, method=route.method)
    operation = SPEC["paths"].get(_spec_path(route.rule.rule), {}).get(route.method.lower(), {})
    query = {
        p["name"]: _example(p.get("schema", {}), p["name"], ids)
        for p in operation.get("parameters", [])
        if p.get("in") == "query" and p.get("required")
    }
    kwargs: dict[str, Any] = {"headers": headers or {}, "query_string": query}
    content = operation.get("requestBody", {}).get("content", {})
    if "application/json" in content:
        kwargs["json"] = _example(content["application/json"]["schema"], "", ids)
    elif "multipart/form-data" in content:
        kwargs["data"] = _form(_example(content["multipart/form-data"]["schema"], "", ids))
        kwargs["content_type"] = "multipart/form-data"
    elif route.method in ("POST", "PUT", "PATCH"):
        kwargs["json"] = {}
    return app.test_client().open(path, method=route.method, **kwargs)


def _spec_path(rule: str) -> str:
    return re.sub(r"<(?:[^<>]*:)?(\w+)>", r"{\1}", rule)


def _path_value(name: str, converter: Any, ids: dict[str, str]) -> Any:
    if isinstance(converter, UUIDConverter):
        return ids.get(name, str(uuid.uuid4()))  # other objects: a fresh id, unknown to anyone
    if isinstance(converter, IntegerConverter):
        return 1
    return ids.get(name, "x")


def _example(schema: dict[str, Any], name: str, ids: dict[str, str]) -> Any:
    """The smallest value the schema accepts; known ids where the field names one."""
    if name in FIELD_EXAMPLES and schema.get("type") != "array":
        return FIELD_EXAMPLES[name]
    if "$ref" in schema:
        return _example(SPEC["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]], name, ids)
    kind = schema.get("type")
    kind = next((k for k in kind if k != "null"), None) if isinstance(kind, list) else kind
    if "enum" in schema:
        return next(value for value in schema["enum"] if value is not None)
    if kind == "object" or "properties" in schema:
        properties = schema.get("properties", {})
        return {key: _example(properties[key], key, ids) for key in schema.get("required", properties)}
    if kind == "array":
        return [
            _example(schema.get("items", {}), name, ids) for _ in range(max(1, schema.get("minItems", 1)))
        ]
    if kind in ("integer", "number"):
        return max(1, schema.get("minimum", 1))
    if kind == "boolean":
        return True
    return _string(schema, name, ids)


def _string(schema: dict[str, Any], name: str, ids: dict[str, str]) -> Any:
    fmt = schema.get("format")
    if fmt == "uuid":
        return ids.get(name, str(uuid.uuid4()))
    if fmt == "binary":
        return (io.BytesIO(PDF), "nachweis.pdf")
    if fmt == "date":
        return "2030-06-30"
    if fmt == "date-time":
        return "2030-06-30T10:00:00+00:00"
    if fmt == "email":
        return "verein@example.org"
    return "Prüftext".ljust(schema.get("minLength", 1), "x")[: schema.get("maxLength", 100)]


def _form(data: dict[str, Any]) -> dict[str, Any]:
    return {key: value if isinstance(value, tuple) else str(value) for key, value in data.items()}


# --- the database before and after ------------------------------------------------------------


def snapshot(app: Flask) -> dict[str, list[str]]:
    """Every row of every funding table, to prove a refused call changed nothing."""
    with builders.session_factory(app)() as session:
        return {
            table.name: sorted(repr(tuple(row)) for row in session.execute(select(table)))
            for table in Base.metadata.sorted_tables
        }


# How the workflow reaches each state a route is called in: (the state before, the step from there).
WAY_TO: dict[str, tuple[str, Callable[[Desk, str], Any]]] = {
    "in_review": ("submitted", lambda desk, i: desk.act(i, "start_review", desk.caseworker)),
    "changes_requested": (
        "in_review",
        lambda desk, i: desk.act(i, "request_changes", desk.caseworker, {"comment": "Bitte ergänzen."}),
    ),
    "report_due": ("approved", report_due),
    "report_submitted": ("report_due", submit_report),
}


def application_in(desk: Desk, state: str) -> str:
    """An application brought to ``state`` through the workflow, as a user would."""
    if state in ("draft", "submitted", "recommended", "approved"):
        return desk.in_state(state)
    assert state in WAY_TO, f"teach WAY_TO how an application reaches {state!r}"
    before, step = WAY_TO[state]
    application_id = application_in(desk, before)
    answer = step(desk, application_id)
    assert getattr(answer, "status_code", 200) < 300, answer.json
    return application_id


def sub_objects(scene: Scene, route: Route) -> dict[str, str]:
    """Real objects for the route's other ids (a payout, an attachment, a checklist item).

    Each is created by POSTing to the collection the id belongs to, by the first role allowed to.
    """
    made: dict[str, str] = {}
    for name in sorted(route.rule.arguments - CASE_ONLY - {"call_id", "programme_id"}):
        collection = route.rule.rule.split(f"/<uuid:{name}>")[0]
        (create,) = [r for r in ROUTES if r.rule.rule == collection and r.method == "POST"]
        answers = [scene.call(create, scene.desk.headers_of(role)) for role in ROLES]
        created = [answer.json["id"] for answer in answers if answer.status_code == 201]
        assert created, (create.key, [answer.json for answer in answers])
        made[name] = created[0]
    return made


@pytest.fixture
def scene_for(apps: Apps, tokens: TokenMaker) -> Callable[[Route], Scene]:
    def build(route: Route) -> Scene:
        desk = Desk.around(apps.funding, tokens, builders.open_call(apps.funding))
        make_eligible(apps.funding, desk.organization_id)
        neighbour = str(uuid.uuid4())
        make_eligible(apps.funding, neighbour)
        stranger = tokens.headers("applicant", orgs=(neighbour,))
        scene = Scene(desk, application_in(desk, route.state if route.scoped else "submitted"), stranger)
        scene.ids.update(sub_objects(scene, route))
        return scene

    return build


def assert_problem(response: TestResponse, *statuses: int) -> None:
    assert response.status_code in statuses, (response.status_code, response.get_data(as_text=True)[:300])
    assert response.mimetype == "application/problem+json"
    assert response.json["status"] == response.status_code


# --- the matrix -------------------------------------------------------------------------------------


def test_every_route_is_classified() -> None:
    unclassified = [route.key for route in ROUTES if not route.classified]
    assert not unclassified, f"decide who may call these and add them to the tables: {unclassified}"


def test_the_tables_name_only_existing_routes() -> None:
    keys = {route.key for route in ROUTES}
    assert (PUBLIC | set(SIGNED_IN) | set(STAFF_ONLY) | set(MEMBERS_ONLY)) <= keys


@pytest.mark.parametrize("route", [route for route in ROUTES if route.key in PUBLIC], ids=route_ids)
def test_public_routes_answer_without_sign_in(scene_for: Callable[[Route], Scene], route: Route) -> None:
    scene = scene_for(route)
    response = scene.call(route, None)
    assert response.status_code == 200, response.json
    assert scene.application_id not in response.get_data(as_text=True)


@pytest.mark.parametrize("route", GUARDED, ids=route_ids)
def test_anonymous_callers_are_asked_to_sign_in(apps: Apps, route: Route) -> None:
    response = send(apps.funding, route, {}, None)
    assert_problem(response, 401)
    assert response.headers["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize("route", GUARDED, ids=route_ids)
def test_an_applicant_of_another_organisation_can_neither_see_nor_change(
    scene_for: Callable[[Route], Scene], route: Route
) -> None:
    scene = scene_for(route)
    before = snapshot(scene.desk.app)

    response = scene.call(route, scene.stranger)

    if route.key in SIGNED_IN:
        assert response.status_code < 500
    else:
        assert_problem(response, 403, 404)
    assert scene.application_id not in response.get_data(as_text=True)
    assert snapshot(scene.desk.app) == before


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", GUARDED, ids=route_ids)
def test_each_role_gets_a_deliberate_answer(
    scene_for: Callable[[Route], Scene], route: Route, role: str
) -> None:
    scene = scene_for(route)
    before = snapshot(scene.desk.app)

    response = scene.call(route, scene.desk.headers_of(role))

    assert response.status_code not in (401, 500), response.get_data(as_text=True)[:300]
    if response.status_code >= 400:
        assert_problem(response, response.status_code)
    allowed = route.roles
    if allowed is not None and role not in allowed:
        assert_problem(response, 403)
        assert snapshot(scene.desk.app) == before
        return
    if allowed is not None:
        assert response.status_code != 403, response.json
    if route.scoped and set(route.rule.arguments) <= CASE_ONLY:
        # the organisation's members and staff see the case itself: never a 404
        assert response.status_code != 404, response.json
