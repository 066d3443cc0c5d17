"""gunicorn target: ``services.network.wsgi:app``."""

from services.network.app import create_app
from shared.logging import configure_logging

configure_logging("network")
app = create_app()
