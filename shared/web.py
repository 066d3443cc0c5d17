"""The parts every service's Flask app shares: sessions, auth, problem details, healthz."""

from __future__ import annotations

import functools
import gc
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from flask import Flask, Response, current_app, g, jsonify, request
from flask_smorest import Api
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.exceptions import HTTPException

from shared import revocation
from shared.auth import Actor, AuthError, verify_token
from shared.celery import ServiceCelery, make_celery
from shared.errors import DomainError
from shared.health import report, run_checks
from shared.logging import get_correlation_id, new_correlation_id, set_correlation_id
from shared.settings import ServiceSettings

log = logging.getLogger(__name__)
PROBLEM_JSON = "application/problem+json"


@dataclass
class ServiceContext:
    settings: ServiceSettings
    engine: Engine
    session_factory: sessionmaker[Session]
    celery: ServiceCelery


def create_service_app(settings: ServiceSettings) -> tuple[Flask, Api]:
    """A Flask app with the service's database, Celery producer, errors and ``/healthz``."""
    service = settings.service
    app = Flask(service)
    app.config.update(
        API_TITLE=f"Teilhabe {service}",
        API_VERSION="v1",
        OPENAPI_VERSION="3.1.0",
        OPENAPI_URL_PREFIX=f"/{service}/api/v1",
        OPENAPI_JSON_PATH="openapi.json",
        MAX_CONTENT_LENGTH=settings.max_upload_bytes,
    )
    celery = make_celery(service, settings.database_url, settings.redis_url)
    context = ServiceContext(settings, celery.engine, celery.session_factory, celery)
    app.extensions["teilhabe"] = context
    api = ProblemApi(app)
    _register_request_hooks(app)
    _register_health(app, context)
    return app, api


def settle_after_startup() -> None:
    """Call once a web process has built its app (``services.<svc>.wsgi``), before serving.

    The modules, the app, its mappers and schemas are ~150,000 objects that live as long as the
    process; every full collection of the cyclic garbage collector walked them all, a ~40 ms pause
    every few searches (bench.search). ``gc.freeze()`` takes what exists now out of collection, and a
    larger first generation makes collections during a request rarer: a search allocates tens of
    thousands of objects, nearly all freed by reference counting, not by the collector. Not too
    large: a request leaves ~200 objects in reference cycles (SQLAlchemy statements, marshmallow
    fields); at 50,000 they piled up for ~250 requests and one collection took 25-30 ms, at 10,000
    each takes ~4 ms and the total time collecting is the same.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 20, 20)


def service_context() -> ServiceContext:
    return current_app.extensions["teilhabe"]


@contextmanager
def unit_of_work() -> Iterator[Session]:
    """The request's session inside one transaction: commits on success, rolls back on error."""
    session = g.get("session")
    if session is None:
        session = g.session = service_context().session_factory()
    with session.begin():
        yield session


def login_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Check the bearer token before the body is parsed: without one, the answer is 401, not 422."""

    @functools.wraps(view)
    def checked(*args: Any, **kwargs: Any) -> Any:
        current_actor()
        return view(*args, **kwargs)

    return checked


def current_actor() -> Actor:
    """The verified caller; raises AuthError (401) when the bearer token is missing or invalid."""
    if "actor" in g:
        return g.actor
    g.actor = _verified_actor()
    return g.actor


def _verified_actor() -> Actor:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise AuthError("missing bearer token")
    public_key = service_context().settings.jwt_public_key
    if public_key is None:
        raise AuthError("this service has no key to verify tokens (TEILHABE_JWT_PUBLIC_KEY)")
    actor = verify_token(public_key, token.strip())
    session = g.get("session")
    if session is not None and session.in_transaction():
        # Inside a unit of work: reuse its connection (on SQLite a second one would wait for its lock).
        revocation.ensure_active(session.connection(), actor)
    else:
        with service_context().engine.connect() as connection:
            revocation.ensure_active(connection, actor)
    return actor


def problem(
    status: int, title: str, detail: str | None = None, errors: dict[str, Any] | None = None
) -> Response:
    """An RFC 9457 problem-details response; ``errors`` maps each bad field to its messages."""
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = errors
    response = jsonify(body)
    response.status_code = status
    response.mimetype = PROBLEM_JSON
    return response


class ProblemApi(Api):
    """flask-smorest's Api answering every error as problem details."""

    def handle_http_exception(self, error: HTTPException) -> Response:  # type: ignore[override]
        data = getattr(error, "data", None) or {}
        errors = _flatten_locations(data.get("errors") or data.get("messages") or {})
        detail = data.get("message") or error.description
        if errors and not data.get("message"):
            detail = "Some fields are not valid: " + ", ".join(sorted(errors)) + "."
        response = problem(error.code or 500, error.name, detail, errors or None)
        for name, value in (data.get("headers") or {}).items():
            response.headers[name] = value
        return response


def _flatten_locations(errors: dict[str, Any]) -> dict[str, Any]:
    """webargs nests field errors under their location (json, query); callers want the fields."""
    locations = {"json", "query", "form", "files", "headers", "path", "view_args"}
    flat: dict[str, Any] = {}
    for key, value in errors.items():
        if key in locations and isinstance(value, dict):
            flat.update(value)
        else:
            flat[key] = value
    return flat


def _register_request_hooks(app: Flask) -> None:
    @app.before_request
    def _correlate() -> None:
        incoming = request.headers.get("X-Correlation-ID", "")[:64]
        if incoming:
            set_correlation_id(incoming)
        else:
            new_correlation_id()

    @app.after_request
    def _echo_correlation_id(response: Response) -> Response:
        response.headers["X-Correlation-ID"] = get_correlation_id() or ""
        return response

    @app.teardown_request
    def _close_session(_exc: BaseException | None) -> None:
        session = g.pop("session", None)
        if session is not None:
            session.close()
        set_correlation_id(None)

    @app.errorhandler(DomainError)
    def _domain_error(error: DomainError) -> Response:
        return problem(error.status, error.title, error.message, error.errors)

    @app.errorhandler(AuthError)
    def _auth_error(error: AuthError) -> Response:
        title = "Unauthorized" if error.status == 401 else "Forbidden"
        response = problem(error.status, title, str(error))
        if error.status == 401:
            response.headers["WWW-Authenticate"] = "Bearer"
        return response

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> Response:
        # HTTPExceptions reach ProblemApi's more specific handler; this is for bugs only.
        log.exception("unexpected error")
        return problem(500, "Internal Server Error", "Something went wrong on our side.")


def _register_health(app: Flask, context: ServiceContext) -> None:
    service = context.settings.service

    @app.get(f"/{service}/healthz")
    def healthz() -> tuple[Response, int]:
        body, status = report(service, run_checks(context.engine, context.settings.redis_url))
        return jsonify(body), status
