"""gunicorn target: ``services.notifications.wsgi:app``."""

from services.notifications.app import create_app
from shared.logging import configure_logging

configure_logging("notifications")
app = create_app()
