"""gunicorn target: ``services.funding.wsgi:app``."""

from services.funding.app import create_app

app = create_app()
