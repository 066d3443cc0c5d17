"""The first admin in production: ``python -m services.network.cli create-admin``."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import Apps
from tests.integration.network.identity_helpers import audit_actions, sign_in
from tests.support.databases import ServiceDatabases

EMAIL = "Leitung@KI.example"
PASSWORD = "ein-sicheres-admin-passwort"


def create_admin(databases: ServiceDatabases, password: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TEILHABE_ENV": "production", "NETWORK_DATABASE_URL": databases.urls["network"]}
    return subprocess.run(
        [sys.executable, "-m", "services.network.cli", "create-admin", "--email", EMAIL],
        input=password + "\n",
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_create_admin_in_production_reads_the_password_from_stdin(
    apps: Apps, databases: ServiceDatabases
) -> None:
    result = create_admin(databases, PASSWORD)

    assert result.returncode == 0, result.stderr
    network = apps.client("network")
    signed_in = sign_in(network, "leitung@ki.example", PASSWORD)
    assert signed_in.status_code == 200
    me = network.get(
        "/network/api/v1/auth/me", headers={"Authorization": f"Bearer {signed_in.json['access_token']}"}
    )
    assert me.json["roles"] == ["admin"]
    assert audit_actions(apps.network, me.json["user_id"]) == ["user.created"]
    assert PASSWORD not in result.stdout


def test_create_admin_refuses_the_demo_password_a_short_one_and_an_existing_email(
    apps: Apps, databases: ServiceDatabases
) -> None:
    for weak in ("teilhabe-demo", "kurz"):
        refused = create_admin(databases, weak)
        assert refused.returncode != 0 and "Passwort" not in refused.stdout
    assert sign_in(apps.client("network"), "leitung@ki.example", "teilhabe-demo").status_code == 401

    assert create_admin(databases, PASSWORD).returncode == 0
    again = create_admin(databases, PASSWORD)
    assert again.returncode != 0 and "already has an account" in again.stderr
