"""Real Celery worker processes (with their beat) for integration tests."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import redis

from shared.config import PROJECT_ROOT
from tests.support.waiting import wait_until

QUEUES = ("funding", "network", "notifications")


class Worker:
    """One service's worker process; stop() and start() again to simulate an outage."""

    def __init__(self, service: str, env: dict[str, str], log_dir: Path) -> None:
        self.service = service
        self.env = env
        self.log_path = log_dir / f"{service}-worker.log"
        self.process: subprocess.Popen[bytes] | None = None
        self._log_offset = 0

    def start(self) -> None:
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            f"services.{self.service}.worker",
            "worker",
            "-Q",
            self.service,
            "-n",
            f"{self.service}-{os.getpid()}@%h",
            "-c",
            "1",
            "--without-gossip",
            "--without-mingle",
            "--loglevel",
            "INFO",
            "-B",
            "-s",
            str(self.log_path.with_suffix(".beat")),
        ]
        self._log_offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                command,
                cwd=PROJECT_ROOT,
                env={**os.environ, **self.env},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_until(self._ready, timeout=30, what=f"{self.service} worker to be ready ({self.log_path})")

    def stop(self) -> None:
        if self.process is None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.process = None

    def _ready(self) -> bool:
        if self.process is not None and self.process.poll() is not None:
            raise AssertionError(f"{self.service} worker exited; see {self.log_path}")
        with self.log_path.open("rb") as log:
            log.seek(self._log_offset)
            return b" ready." in log.read()


def purge_queues(redis_url: str) -> None:
    """Empty the service queues without touching kombu's bindings (as a lost Redis message)."""
    client = redis.Redis.from_url(redis_url)
    for queue in QUEUES:
        drop_queue(client, queue)
    client.close()


def drop_queue(client: redis.Redis, queue: str) -> int:
    keys = [key for key in client.scan_iter(match=f"{queue}*") if not key.startswith(b"_kombu")]
    return client.delete(*keys) if keys else 0
