"""`make run` takes REDIS_URL, else the local Redis, else starts a real embedded one."""

from __future__ import annotations

from pathlib import Path

import pytest
import redis

from shared.devserver.redis_choice import answers, choose_redis

NOTHING_LISTENS = "redis://127.0.0.1:1/0"


def test_redis_url_from_the_environment_wins(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("REDIS_URL", "redis://redis.internal:6380/2")
    assert choose_redis(tmp_path).url == "redis://redis.internal:6380/2"


def test_without_any_redis_an_embedded_real_server_is_started_and_stopped(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("REDIS_URL", raising=False)
    chosen = choose_redis(tmp_path, local=NOTHING_LISTENS)
    try:
        assert "embedded" in chosen.origin
        client = redis.Redis.from_url(chosen.url)
        client.rpush("queue", "a", "b")
        assert client.lrange("queue", 0, -1) == [b"a", b"b"]
        client.close()
    finally:
        chosen.stop()
    assert not answers(chosen.url)
