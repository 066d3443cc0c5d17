"""`make run` as a new user sees it: everything answers, the demo flow mails, Ctrl-C leaves nothing."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import psutil
import pytest

from shared.config import PROJECT_ROOT
from tests.support import builders
from tests.support.redis_slots import RedisSlots
from tests.support.waiting import wait_until

pytestmark = pytest.mark.integration


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def call(base: str, method: str, path: str, body: object = None, token: str | None = None) -> tuple[int, Any]:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")
    except (urllib.error.URLError, ConnectionError):
        return 0, None


def login(base: str, email: str) -> str:
    status, body = call(
        base, "POST", "/network/api/v1/auth/token", {"email": email, "password": "teilhabe-demo"}
    )
    assert status == 200, body
    return body["access_token"]


def start(var_dir: Path, port: int, smtp_port: int, redis_url: str) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "TEILHABE_VAR_DIR": str(var_dir),
        "PORT": str(port),
        "SMTP_PORT": str(smtp_port),
        "REDIS_URL": redis_url,
        "OUTBOX_SWEEP_SECONDS": "1",
    }
    env.pop("NETWORK_JWT_PRIVATE_KEY_FILE", None)
    env.pop("TEILHABE_JWT_PUBLIC_KEY_FILE", None)
    return subprocess.Popen(
        [sys.executable, "-m", "shared.devserver"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def stop(process: subprocess.Popen[str]) -> str:
    descendants = psutil.Process(process.pid).children(recursive=True)
    assert len(descendants) >= 3, "expected a worker per service"
    process.send_signal(signal.SIGTERM)
    output, _ = process.communicate(timeout=60)
    gone, alive = psutil.wait_procs(descendants, timeout=10)
    assert alive == [], f"left behind: {alive}"
    return output


def all_healthy(base: str) -> bool:
    answers = [call(base, "GET", f"/{s}/healthz") for s in ("funding", "network", "notifications")]
    return all(status == 200 and body["status"] == "ok" for status, body in answers)


def test_make_run_serves_everything_mails_the_demo_flow_and_stops_cleanly(
    tmp_path: Path, redis_slots: RedisSlots
) -> None:
    redis_url = redis_slots.claim()
    port, smtp_port = free_port(), free_port()
    base = f"http://127.0.0.1:{port}"
    process = start(tmp_path, port, smtp_port, redis_url)
    try:
        wait_until(lambda: all_healthy(base), timeout=90, what="the three healthz endpoints")
        assert urllib.request.urlopen(f"{base}/mail/", timeout=5).status == 200
        applicant = login(base, "applicant@verein.example")
        organisation = call(base, "GET", "/network/api/v1/auth/me", token=applicant)[1]["organization_ids"][0]
        call_id = call(base, "GET", "/funding/api/v1/calls")[1][0]["id"]
        # The demo programme asks for at least 10 % own contribution.
        body = builders.application_body(call_id, organisation, title="Nähcafé", own_contribution_cents=60000)
        status, application = call(base, "POST", "/funding/api/v1/applications", body, applicant)
        assert status == 201, application
        path = f"/funding/api/v1/applications/{application['id']}"
        # Network's demo events reach funding's read model through the real workers.
        wait_until(
            lambda: call(base, "POST", f"{path}/submit", token=applicant)[0] == 200,
            timeout=30,
            what="funding to know the demo organisation as verified",
        )
        assert (
            call(
                base,
                "POST",
                f"{path}/recommend",
                {"recommended_cents": 100_000},
                login(base, "caseworker@ki.example"),
            )[0]
            == 200
        )
        assert call(base, "POST", f"{path}/approve", {}, login(base, "approver@ki.example"))[0] == 200
        [approval] = wait_until(
            # The demo contact person of Brückenbau e.V. reads Turkish: "… onaylandı" (approved).
            lambda: [m for m in call(base, "GET", "/mail/api/messages")[1] if "onaylandı" in m["subject"]],
            timeout=30,
            what="the approval email in the dev inbox",
        )
        assert "Nähcafé" in approval["subject"] and approval["recipients"] == ["kontakt@bruecken.example"]
        # The demo caseworker is known to notifications from network's network.user.updated.
        [announced] = wait_until(
            lambda: [
                m for m in call(base, "GET", "/mail/api/messages")[1] if "Neuer Förderantrag" in m["subject"]
            ],
            timeout=30,
            what="the staff email about the submission in the dev inbox",
        )
        assert announced["recipients"] == ["caseworker@ki.example"]
    finally:
        output = stop(process) if process.poll() is None else process.communicate()[0]
    assert "Demo-Logins" in output and "gestoppt" in output

    again = start(tmp_path, port, smtp_port, redis_url)
    try:
        wait_until(lambda: all_healthy(base), timeout=60, what="the second start")
    finally:
        output = stop(again)
    assert "demo data already present" in output
