"""gunicorn settings for every Teilhabe web container.

Usage: ``gunicorn -c deploy/gunicorn.conf.py services.<service>.wsgi:app``; without an app
argument, ``services.$TEILHABE_SERVICE.wsgi:app`` is served.
"""

from __future__ import annotations

import os


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "")
    return int(raw) if raw.strip() else default


bind = "0.0.0.0:8000"

if os.environ.get("TEILHABE_SERVICE"):
    wsgi_app = f"services.{os.environ['TEILHABE_SERVICE']}.wsgi:app"

# Processes x threads per container. Scale out with more containers (`--scale <svc>-web=N`)
# or more processes here; nothing is kept in memory between requests.
workers = _int("WEB_CONCURRENCY", 2)
worker_class = "gthread"
threads = _int("GUNICORN_THREADS", 4)

# Each worker creates its own database engine after the fork (no preload): connections
# must never be shared between processes.
preload_app = False

# A request that takes longer than this is a bug; the worker is replaced.
timeout = 60
# On SIGTERM (docker stop) running requests get this long to finish; keep the compose
# stop_grace_period above it.
graceful_timeout = 30
keepalive = 5

# Recycle workers now and then so a slow leak never becomes an outage.
max_requests = 2000
max_requests_jitter = 200

# Heartbeat files on tmpfs, not on the (read-only) container filesystem.
worker_tmp_dir = "/dev/shm"
control_socket = "/tmp/gunicorn.ctl"

# Only the reverse proxy reaches this port (no port is published), so trust its
# X-Forwarded-Proto for the URL scheme.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "*")

# Logs to stdout/stderr for the container runtime; the access log carries the correlation id.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "INFO").lower()
access_log_format = (
    '%(h)s "%(r)s" %(s)s %(b)s %(M)sms correlation_id=%({x-correlation-id}i)s '
    'forwarded_for="%({x-forwarded-for}i)s" "%(a)s"'
)

