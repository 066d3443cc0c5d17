"""``make run``: migrate, load demo data, start Redis, SMTP, workers, beat and the web apps."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from types import FrameType

from waitress import create_server

from shared.auth import generate_keypair
from shared.config import env_int, var_dir
from shared.devserver.gateway import SERVICE_APPS, Gateway, load_app
from shared.devserver.processes import SERVICES, Children, worker_command
from shared.devserver.redis_choice import choose_redis
from shared.mailbox import Mailbox, SmtpServer, create_inbox_app
from shared.migrations import upgrade

DEMO_LOGINS = ("applicant@verein.example", "caseworker@ki.example", "approver@ki.example", "admin@ki.example")


def prepare_environment() -> None:
    var = var_dir()
    private_key, public_key = generate_keypair(var / "keys")
    os.environ.setdefault("NETWORK_JWT_PRIVATE_KEY_FILE", str(private_key))
    os.environ.setdefault("TEILHABE_JWT_PUBLIC_KEY_FILE", str(public_key))
    os.environ.setdefault("SMTP_HOST", "127.0.0.1")
    os.environ.setdefault("SMTP_PORT", "8025")
    os.environ.setdefault("PORTAL_URL", f"http://127.0.0.1:{env_int('PORT', 8000)}")


def migrate_and_load_demo() -> None:
    for service in SERVICES:
        upgrade(service)
    for service in ("network", "funding"):
        subprocess.run([sys.executable, "-m", f"services.{service}.demo"], check=True)


def banner(port: int, redis_origin: str) -> str:
    base = f"http://127.0.0.1:{port}"
    lines = [
        "",
        "Teilhabe läuft / is running:",
        *(f"  {s:<14} {base}/{s}/healthz   API: {base}/{s}/api/v1/openapi.json" for s in SERVICES),
        f"  Posteingang    {base}/mail/  (SMTP 127.0.0.1:{os.environ['SMTP_PORT']})",
        f"  Redis          {redis_origin}",
        f"  Logs           {var_dir() / 'log'}",
        "  Demo-Logins (Passwort teilhabe-demo): " + ", ".join(DEMO_LOGINS),
        "  Stop: Ctrl-C",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    port = env_int("PORT", 8000)
    prepare_environment()
    redis = choose_redis(var_dir())
    os.environ["REDIS_URL"] = redis.url
    children = Children(var_dir() / "log")
    smtp = SmtpServer(Mailbox(var_dir() / "mail"), port=int(os.environ["SMTP_PORT"]))
    try:
        migrate_and_load_demo()
        smtp.start()
        for service in SERVICES:
            children.start(f"{service}-worker", worker_command(service, var_dir()))
        apps = {name: load_app(path) for name, path in SERVICE_APPS.items()}
        apps["mail"] = create_inbox_app(smtp.mailbox)
        http = create_server(Gateway(apps), host="127.0.0.1", port=port, threads=8)
        signal.signal(signal.SIGTERM, _interrupt)
        print(banner(port, redis.origin), flush=True)
        try:
            http.run()
        finally:
            http.close()
    finally:
        children.stop()
        smtp.stop()
        redis.stop()
        print("Teilhabe gestoppt / stopped.", flush=True)


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


if __name__ == "__main__":
    main()
