"""The production shape (docker-compose.yml and deploy/) fits the code it runs.

No Docker engine is needed: the files are read and checked against the code's import paths,
queues, environment variables and routes.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import re
import runpy
import shlex
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
DEPLOY = ROOT / "deploy"
SERVICES = ("funding", "network", "notifications")
PUBLIC_KEY = "TEILHABE_JWT_PUBLIC_KEY"
PRIVATE_KEY = "NETWORK_JWT_PRIVATE_KEY"
# Read by the code only on a development machine (`make run`), never in production.
DEVELOPMENT_ONLY = {"TEILHABE_VAR_DIR", "PORT"}


def database_url_variable(service: str) -> str:
    return f"{service.upper()}_DATABASE_URL"


REQUIRED_IN_PRODUCTION = {
    *(database_url_variable(s) for s in SERVICES),
    "REDIS_URL", PUBLIC_KEY, f"{PUBLIC_KEY}_FILE", PRIVATE_KEY, f"{PRIVATE_KEY}_FILE",
    "SMTP_HOST", "SMTP_PORT", "MAIL_FROM", "PORTAL_URL", "TEILHABE_ENV", "NETWORK_SIGNING_SECRET",
}


# ---------------------------------------------------------------- reading the files


@cache
def compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))


def containers() -> dict[str, dict[str, Any]]:
    return compose()["services"]


def command(container: dict[str, Any]) -> list[str]:
    value = container.get("command") or []
    return shlex.split(value) if isinstance(value, str) else [str(part) for part in value]


def environment(container: dict[str, Any]) -> dict[str, str]:
    value = container.get("environment") or {}
    if isinstance(value, list):
        return dict(item.split("=", 1) if "=" in item else (item, "") for item in value)
    return {key: "" if item is None else str(item) for key, item in value.items()}


def interpolate(value: str) -> str:
    """What Compose makes of ``${VAR:-default}`` when no variable is set (innermost first)."""
    pattern = re.compile(r"\$\{[A-Za-z_][A-Za-z0-9_]*(?:(:?[-?+])([^${}]*))?\}")

    def replace(match: re.Match[str]) -> str:
        operator, default = match.group(1) or "", match.group(2) or ""
        return default if operator.endswith("-") else ""

    previous = None
    while previous != value:
        previous, value = value, pattern.sub(replace, value)
    return value.replace("$$", "$")


def strings(node: Any) -> Iterator[str]:
    """Every string value (and key) in a parsed YAML document."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield str(key)
            yield from strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from strings(item)
    elif isinstance(node, str):
        yield node


def option(argv: list[str], *names: str) -> str | None:
    for index, part in enumerate(argv[:-1]):
        if part in names:
            return argv[index + 1]
    return None


def role(container: dict[str, Any]) -> tuple[str, str] | None:
    """(role, service) of an application container, from the command it runs."""
    argv = command(container)
    if argv[:1] == ["gunicorn"]:
        target = next(part for part in argv[1:] if ":" in part and not part.startswith("-"))
        return "web", target.split(".")[1]
    if argv[:1] == ["celery"]:
        module = option(argv, "-A", "--app") or ""
        kind = "worker" if "worker" in argv else "beat" if "beat" in argv else "other"
        return kind, module.split(".")[1]
    if "shared.migrations" in argv:
        return "migrate", argv[argv.index("shared.migrations") + 1]
    return None


def containers_by_role() -> dict[tuple[str, str], list[str]]:
    found: dict[tuple[str, str], list[str]] = {}
    for name, container in containers().items():
        key = role(container)
        if key is not None:
            found.setdefault(key, []).append(name)
    return found


def service_processes() -> list[tuple[str, str, str]]:
    """(container, role, service) of every web, worker and beat container."""
    return [
        (name, kind, service)
        for (kind, service), names in containers_by_role().items()
        if kind in {"web", "worker", "beat"}
        for name in names
    ]


def app_targets() -> list[str]:
    """Every ``module:attribute`` (gunicorn) and ``module`` (celery -A) a command names."""
    targets = set()
    for container in containers().values():
        argv = command(container)
        if argv[:1] == ["gunicorn"]:
            targets.update(p for p in argv[1:] if ":" in p and not p.startswith("-"))
        if argv[:1] == ["celery"]:
            targets.add(option(argv, "-A", "--app") or "")
    return sorted(targets)


def env_example() -> dict[str, int]:
    """Variable name -> line number of each assignment, commented out or not."""
    lines = (DEPLOY / "env.example").read_text(encoding="utf-8").splitlines()
    return {
        match.group(1): number
        for number, line in enumerate(lines)
        if (match := re.match(r"#?\s*([A-Z][A-Z0-9_]*)=", line))
    }


def variables_read_by_the_code() -> set[str]:
    names: set[str] = set()
    literal = r"""\(\s*["']([A-Z][A-Z0-9_]*)["']"""
    for path in [*ROOT.glob("shared/**/*.py"), *ROOT.glob("services/**/*.py")]:
        text = path.read_text(encoding="utf-8")
        # os.environ, not a WSGI ``environ`` (PATH_INFO is no setting)
        names.update(re.findall(r"\bos\.environ\.get" + literal, text))
        names.update(re.findall(r"""\bos\.environ\[\s*["']([A-Z][A-Z0-9_]*)["']\s*\]""", text))
        names.update(re.findall(r"\bos\.getenv" + literal, text))
        names.update(re.findall(r"\benv_(?:int|float|str)" + literal, text))
        names.update(re.findall(r"\b(?:signing_secret|required_in_production)" + literal, text))
        for key in re.findall(r"\boptional_key" + literal, text):
            names.update({key, f"{key}_FILE"})
        if re.search(r"\bdatabase_url\(", text):
            names.update(database_url_variable(s) for s in SERVICES)
    return names


def nginx_locations() -> dict[str, str]:
    """Location path -> the body of its block."""
    text = re.sub(r"#[^\n]*", "", (DEPLOY / "nginx.conf").read_text(encoding="utf-8"))
    return {
        path: body
        for path, body in re.findall(r"location\s+(?:[=~^*]+\s*)?(\S+)\s*\{([^{}]*)\}", text)
    }


def proxy_target(location_body: str) -> str:
    """The URL a location proxies to, with ``set $var ...;`` variables resolved."""
    text = re.sub(r"#[^\n]*", "", (DEPLOY / "nginx.conf").read_text(encoding="utf-8"))
    match = re.search(r"proxy_pass\s+([^;]+);", location_body)
    assert match, "the location does not proxy"
    target = match.group(1).strip()
    for variable, value in re.findall(r"set\s+(\$\w+)\s+([^;]+);", location_body + text):
        target = target.replace(variable, value.strip().strip("\"'"))
    upstream = urlsplit(target)
    servers = re.search(rf"upstream\s+{re.escape(upstream.hostname or '')}\s*\{{([^}}]*)\}}", text)
    if servers:  # an upstream block: take its (first) server
        server = re.search(r"server\s+([^\s;]+)", servers.group(1))
        assert server
        target = f"{upstream.scheme}://{server.group(1)}{upstream.path}"
    return target


# ---------------------------------------------------------------- processes and code


@pytest.fixture
def production_like_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """The variables the app modules read at import, pointing at throwaway SQLite files; the
    imported modules and the logging they configure are undone afterwards."""
    for service in SERVICES:
        monkeypatch.setenv(database_url_variable(service), f"sqlite:///{tmp_path / service}.sqlite3")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:1/0")
    monkeypatch.setenv("TEILHABE_VAR_DIR", str(tmp_path))
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    modules = {name: sys.modules.pop(name) for name in list(sys.modules)
               if re.fullmatch(r"services\.\w+\.(wsgi|worker)", name)}
    yield
    for name in [n for n in sys.modules if re.fullmatch(r"services\.\w+\.(wsgi|worker)", n)]:
        del sys.modules[name]
    sys.modules.update(modules)
    root.handlers[:], root.level = handlers, level


@pytest.mark.parametrize("target", app_targets())
@pytest.mark.usefixtures("production_like_env")
def test_every_app_a_command_names_can_be_imported_and_is_an_app(target: str) -> None:
    from celery import Celery
    from celery.app.utils import find_app
    from flask import Flask

    module, _, attribute = target.partition(":")
    assert importlib.util.find_spec(module) is not None, f"{module} does not exist"
    if attribute:  # gunicorn module:attribute
        assert isinstance(getattr(importlib.import_module(module), attribute), Flask)
    else:  # celery -A module, found the way the celery command finds it
        app = find_app(module)
        assert isinstance(app, Celery)
        assert app.main == module.split(".")[1]


def test_the_commands_name_the_web_and_worker_apps_of_all_three_services() -> None:
    targets = set(app_targets())
    for service in SERVICES:
        assert f"services.{service}.wsgi:app" in targets
        assert f"services.{service}.worker" in targets


def test_each_service_has_exactly_one_web_one_worker_and_one_beat_container() -> None:
    by_role = containers_by_role()
    for service in SERVICES:
        for kind in ("web", "worker", "beat"):
            assert by_role.get((kind, service)) == [f"{service}-{kind}"], (kind, service)
    assert {key for key in by_role if key[0] not in {"web", "worker", "beat", "migrate"}} == set()


def test_each_worker_consumes_the_queue_named_after_the_service_whose_tasks_it_runs() -> None:
    for name, kind, service in service_processes():
        if kind != "worker":
            continue
        argv = command(containers()[name])
        assert option(argv, "-Q", "--queues") == service, name
        assert (option(argv, "-n", "--hostname") or "").startswith(f"{service}@"), name


def test_beats_keep_their_schedule_file_where_a_read_only_container_can_write() -> None:
    for name, kind, _ in service_processes():
        if kind == "beat":
            schedule = option(command(containers()[name]), "-s", "--schedule") or ""
            assert schedule.startswith("/tmp/"), name
            assert "/tmp" in containers()[name].get("tmpfs", []), name


def test_web_containers_run_gunicorn_with_the_deploy_config() -> None:
    for name, kind, _ in service_processes():
        if kind == "web":
            assert option(command(containers()[name]), "-c", "--config") == "deploy/gunicorn.conf.py"


def test_each_service_runs_its_own_migrations_once_before_its_other_containers_start() -> None:
    by_role = containers_by_role()
    for service in SERVICES:
        migrators = by_role.get(("migrate", service), [])
        assert len(migrators) == 1, service
        migrate = containers()[migrators[0]]
        assert command(migrate)[-3:] == ["shared.migrations", service, "upgrade"]
        assert str(migrate.get("restart", "no")) == "no"
        for kind in ("web", "worker", "beat"):
            depends = containers()[f"{service}-{kind}"]["depends_on"]
            assert depends[migrators[0]]["condition"] == "service_completed_successfully"


def test_migrations_run_for_all_three_services() -> None:
    migrated = {service for kind, service in containers_by_role() if kind == "migrate"}
    assert migrated == set(SERVICES)


# ---------------------------------------------------------------- who gets which variable


def test_each_service_process_gets_its_own_database_url_redis_and_the_public_key() -> None:
    for name, _, service in service_processes() + [
        (names[0], "migrate", service) for (kind, service), names in containers_by_role().items()
        if kind == "migrate"
    ]:
        env = environment(containers()[name])
        url = urlsplit(interpolate(env[database_url_variable(service)]))
        assert url.scheme == "postgresql+psycopg" and url.path == f"/{service}", name
        assert interpolate(env["REDIS_URL"]).startswith("redis://"), name
        assert env.get("TEILHABE_ENV") == "production", name
        if name.endswith("-migrate"):
            continue
        assert env.get(PUBLIC_KEY) or env.get(f"{PUBLIC_KEY}_FILE"), name


def test_no_container_receives_another_services_database_url() -> None:
    owners = {database_url_variable(s): s for s in SERVICES}
    for name, container in containers().items():
        role_and_service = role(container)
        for variable in environment(container):
            if variable in owners:
                assert role_and_service is not None and role_and_service[1] == owners[variable], (
                    f"{name} receives {variable}"
                )


def test_network_web_gets_the_private_key_that_signs_tokens_and_no_other_service_does() -> None:
    web = environment(containers()["network-web"])
    assert web.get(PRIVATE_KEY) or web.get(f"{PRIVATE_KEY}_FILE")
    for name, container in containers().items():
        if (role(container) or ("", ""))[1] != "network":
            assert not {PRIVATE_KEY, f"{PRIVATE_KEY}_FILE"} & set(environment(container)), name
            assert "jwt-private.pem" not in (container.get("secrets") or []), name


def test_notifications_gets_its_smtp_server_sender_and_portal_url() -> None:
    for kind in ("web", "worker", "beat"):
        env = environment(containers()[f"notifications-{kind}"])
        assert interpolate(env["SMTP_HOST"]), kind
        assert int(interpolate(env["SMTP_PORT"])) > 0, kind
        assert "@" in interpolate(env["MAIL_FROM"]), kind
        assert interpolate(env["PORTAL_URL"]).startswith("http"), kind


def test_the_default_smtp_server_is_the_mail_catcher_of_the_compose_file() -> None:
    env = environment(containers()["notifications-worker"])
    assert interpolate(env["SMTP_HOST"]) in containers()
    assert interpolate(env["SMTP_PORT"]) == "1025"


def test_key_files_named_in_the_environment_are_mounted_read_only() -> None:
    defined = compose().get("secrets") or {}
    for name, container in containers().items():
        for variable, value in environment(container).items():
            if not variable.endswith("_KEY_FILE"):
                continue
            mounted = {
                (s if isinstance(s, str) else s.get("target") or s["source"]): s
                for s in container.get("secrets") or []
            }
            secret = Path(value).name
            assert value == f"/run/secrets/{secret}" and secret in mounted, f"{name}: {variable}"
            source = ROOT / defined[secret]["file"]
            assert source.parent == DEPLOY / "secrets", secret


def test_every_depends_on_and_secret_names_something_the_compose_file_defines() -> None:
    for name, container in containers().items():
        depends = container.get("depends_on") or []
        assert set(depends) <= set(containers()), name
        for secret in container.get("secrets") or []:
            assert (secret if isinstance(secret, str) else secret["source"]) in compose()["secrets"]


# ---------------------------------------------------------------- env.example


def test_the_code_still_reads_every_variable_production_requires() -> None:
    assert REQUIRED_IN_PRODUCTION - variables_read_by_the_code() == set()


def test_every_variable_required_in_production_is_documented_in_env_example() -> None:
    assert REQUIRED_IN_PRODUCTION - set(env_example()) == set()


def test_every_variable_the_code_reads_is_documented_in_env_example() -> None:
    undocumented = variables_read_by_the_code() - set(env_example()) - DEVELOPMENT_ONLY
    assert undocumented == set(), "add these to deploy/env.example with a comment"


def test_each_variable_in_env_example_is_explained_by_the_comment_above_it() -> None:
    lines = (DEPLOY / "env.example").read_text(encoding="utf-8").splitlines()
    for name, number in env_example().items():
        above = lines[number - 1] if number else ""
        assert above.startswith("#") and not re.match(r"#?\s*[A-Z][A-Z0-9_]*=", above), name


def test_env_example_tells_how_to_create_the_key_pair_the_compose_file_mounts() -> None:
    text = (DEPLOY / "env.example").read_text(encoding="utf-8")
    assert "openssl genpkey -algorithm ed25519 -out jwt-private.pem" in text
    assert "openssl pkey -in jwt-private.pem -pubout -out jwt-public.pem" in text
    files = {Path(s["file"]).name for s in compose()["secrets"].values()}
    assert files == {"jwt-private.pem", "jwt-public.pem"}


def test_every_variable_the_compose_file_interpolates_is_documented_in_env_example() -> None:
    used = {
        name for value in strings(compose()) for name in re.findall(r"\$\{([A-Za-z_][A-Za-z0-9_]*)", value)
    }
    assert used - set(env_example()) == set()


# ---------------------------------------------------------------- proxy


@pytest.mark.parametrize("service", SERVICES)
def test_the_proxy_passes_each_service_path_with_its_prefix_to_that_services_web(service: str) -> None:
    location = nginx_locations()[f"/{service}/"]
    target = urlsplit(proxy_target(location))
    assert target.hostname == f"{service}-web" and target.hostname in containers()
    assert target.path == "", "a URI part would strip the /<service>/ prefix the app serves"
    assert target.port == 8000  # gunicorn's bind


def test_the_proxy_passes_mail_to_the_mail_catcher_web_ui_under_the_same_root() -> None:
    target = urlsplit(proxy_target(nginx_locations()["/mail/"]))
    assert target.hostname in containers() and target.path == ""
    catcher = containers()[target.hostname]
    assert environment(catcher)["MP_WEBROOT"] == "/mail/"
    assert target.port == 8025


def test_the_proxy_forwards_client_headers_the_correlation_id_and_allows_20m_uploads() -> None:
    text = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
    for header in ("X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "X-Correlation-ID"):
        assert re.search(rf"proxy_set_header\s+{header}\s", text), header
    assert re.search(r"client_max_body_size\s+20m;", text)


def test_the_proxy_listens_on_port_8000_of_the_host() -> None:
    ports = [interpolate(str(p)) for p in containers()["proxy"]["ports"]]
    assert "8000:80" in ports
    assert containers()["proxy"]["volumes"] == ["./deploy/nginx.conf:/etc/nginx/nginx.conf:ro"]


def test_only_the_proxy_publishes_a_port() -> None:
    assert [name for name, c in containers().items() if c.get("ports")] == ["proxy"]


# ---------------------------------------------------------------- image, data and health


def test_the_image_installs_the_lock_then_the_project_without_dependencies_as_non_root() -> None:
    text = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r"^FROM python:3\.11-slim\b", text, re.M)
    lock = re.search(r"pip install [^\n]*-r requirements\.lock", text)
    project = re.search(r"pip install [^\n]*--no-deps", text)
    assert lock and project and lock.start() < project.start()
    assert "COPY deploy/gunicorn.conf.py ./deploy/gunicorn.conf.py" in text
    users = re.findall(r"^USER\s+(\S+)", text, re.M)
    assert users and users[-1] not in {"root", "0"}
    assert re.search(r'^CMD \["gunicorn"', text, re.M)
    for name in ("funding-web", "network-worker", "notifications-beat", "funding-migrate"):
        assert containers()[name]["build"]["dockerfile"] == "deploy/Dockerfile"


def test_the_gunicorn_config_binds_port_8000_and_takes_its_process_count_from_web_concurrency(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("WEB_CONCURRENCY", "5")
    config = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    assert config["bind"] == "0.0.0.0:8000" and config["workers"] == 5
    assert config["accesslog"] == "-" and config["graceful_timeout"] > 0
    monkeypatch.delenv("WEB_CONCURRENCY")
    assert runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))["workers"] == 2


def test_postgres_creates_one_database_per_service_on_first_start() -> None:
    postgres = containers()["postgres"]
    assert str(postgres["image"]).startswith("postgres:16")
    assert any(
        v.startswith("./deploy/postgres-init.sql:/docker-entrypoint-initdb.d/") for v in postgres["volumes"]
    )
    sql = (DEPLOY / "postgres-init.sql").read_text(encoding="utf-8")
    assert set(re.findall(r"CREATE DATABASE (\w+);", sql)) == set(SERVICES)
    assert any(":/var/lib/postgresql/data" in v for v in postgres["volumes"])


def test_redis_persists_its_data() -> None:
    redis = containers()["redis"]
    assert str(redis["image"]).startswith("redis:7")
    argv = command(redis)
    assert option(argv, "--appendonly") == "yes"
    assert any(v.endswith(":/data") for v in redis["volumes"])


def test_every_long_running_container_except_beat_has_a_healthcheck() -> None:
    for name, container in containers().items():
        kind, service = role(container) or ("infrastructure", "")
        if kind in {"beat", "migrate"}:
            continue
        check = " ".join(container.get("healthcheck", {}).get("test", []))
        assert check, f"{name} has no healthcheck"
        if kind == "web":
            assert f"/{service}/healthz" in check, name
        if kind == "worker":
            assert f"services.{service}.worker inspect ping" in check, name


def test_network_gets_the_secret_that_signs_links_without_an_account() -> None:
    for kind in ("web", "worker", "beat"):
        env = environment(containers()[f"network-{kind}"])
        assert "NETWORK_SIGNING_SECRET" in env, kind
        assert interpolate(env["PORTAL_URL"]).startswith("http"), kind
