"""gunicorn target: ``services.notifications.wsgi:app``."""

from services.notifications.app import create_app
from shared.logging import configure_logging
from shared.web import settle_after_startup

configure_logging("notifications")
app = create_app()
settle_after_startup()  # per process: gunicorn imports this in each worker (no preload)
