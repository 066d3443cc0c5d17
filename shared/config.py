"""Reading settings from environment variables, with one place for the defaults of a dev machine."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

N = TypeVar("N", int, float)
PROJECT_ROOT = Path(__file__).resolve().parent.parent


class ConfigError(RuntimeError):
    """A required setting is missing or malformed."""


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if value is None or value == "":
        raise ConfigError(f"environment variable {name} must be set")
    return value


def env_int(name: str, default: int) -> int:
    return _env_number(name, default, int)


def env_float(name: str, default: float) -> float:
    return _env_number(name, default, float)


def _env_number(name: str, default: N, kind: Callable[[str], N]) -> N:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return kind(raw)
    except ValueError as exc:
        raise ConfigError(f"environment variable {name} must be a number, got {raw!r}") from exc


def var_dir() -> Path:
    """Where a development machine keeps its databases, keys and mail (``TEILHABE_VAR_DIR``)."""
    return Path(os.environ.get("TEILHABE_VAR_DIR", PROJECT_ROOT / "var"))


def database_url(service: str) -> str:
    """``<SERVICE>_DATABASE_URL``, else (never in production) a SQLite file under ``var/``."""
    return required_in_production(
        f"{service.upper()}_DATABASE_URL", f"sqlite:///{var_dir() / f'{service}.sqlite3'}"
    )


def redis_url() -> str:
    return required_in_production("REDIS_URL", "redis://127.0.0.1:6379/0")


def required_in_production(name: str, development_default: str) -> str:
    """Development defaults must not silently stand in for a missing production setting."""
    value = os.environ.get(name)
    if value:
        return value
    if is_production():
        raise ConfigError(f"{name} must be set when TEILHABE_ENV=production")
    return development_default


def is_production() -> bool:
    return os.environ.get("TEILHABE_ENV", "development") == "production"


def optional_key(name: str) -> bytes | None:
    """A PEM key from ``<name>`` or the file named by ``<name>_FILE``, if either is set."""
    if os.environ.get(name):
        return os.environ[name].encode()
    path = os.environ.get(f"{name}_FILE")
    return Path(path).read_bytes() if path else None
