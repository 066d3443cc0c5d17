"""gunicorn target: ``services.notifications.wsgi:app``."""

from services.notifications.app import create_app

app = create_app()
