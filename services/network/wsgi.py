"""gunicorn target: ``services.network.wsgi:app``."""

from services.network.app import create_app

app = create_app()
