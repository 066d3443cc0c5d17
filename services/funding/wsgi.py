"""gunicorn target: ``services.funding.wsgi:app``."""

from services.funding.app import create_app
from shared.logging import configure_logging

configure_logging("funding")
app = create_app()
