"""Child processes of ``make run``: started in their own process groups, stopped together."""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

SERVICES = ("funding", "network", "notifications")
PR_SET_PDEATHSIG = 1


def worker_command(service: str, var_dir: Path) -> list[str]:
    """One worker per service queue, with that service's beat schedule embedded (-B)."""
    return [
        sys.executable,
        "-m",
        "celery",
        "-A",
        f"services.{service}.worker",
        "worker",
        "-Q",
        service,
        "-n",
        f"{service}@%h",
        "-c",
        "1",
        "--loglevel",
        "INFO",
        "-B",
        "-s",
        str(var_dir / f"celerybeat-{service}"),
    ]


class Children:
    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        self.processes: list[subprocess.Popen[bytes]] = []

    def start(self, name: str, command: list[str]) -> subprocess.Popen[bytes]:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        with (self.log_dir / f"{name}.log").open("ab") as log:
            process = subprocess.Popen(
                command,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=_die_with_parent,
            )
        self.processes.append(process)
        return process

    def stop(self, grace: float = 15.0) -> None:
        """SIGTERM every group (a warm shutdown for Celery), then SIGKILL what is left."""
        for process in self.processes:
            _signal_group(process, signal.SIGTERM)
        deadline = time.monotonic() + grace
        for process in self.processes:
            try:
                process.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                _signal_group(process, signal.SIGKILL)
                process.wait()
        for process in self.processes:
            _signal_group(process, signal.SIGKILL)  # pool children that outlived their parent
        self.processes.clear()


def _die_with_parent() -> None:
    """Linux: the child gets SIGTERM if ``make run`` itself is killed, so nothing is left behind."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def _signal_group(process: subprocess.Popen[bytes], sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)
