"""Golden JSON samples, one per registered (type, version): ``<type>.v<version>.json``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FOLDER = Path(__file__).parent


def sample_path(event_type: str, version: int) -> Path:
    return FOLDER / f"{event_type}.v{version}.json"


def load_sample(event_type: str, version: int) -> dict[str, Any]:
    return json.loads(sample_path(event_type, version).read_text(encoding="utf-8"))


def all_sample_keys() -> list[tuple[str, int]]:
    keys = []
    for path in FOLDER.glob("*.v*.json"):
        event_type, _, version = path.name.removesuffix(".json").rpartition(".v")
        keys.append((event_type, int(version)))
    return sorted(keys)
