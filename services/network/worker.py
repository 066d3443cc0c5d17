"""Celery target: ``celery -A services.network.worker worker -Q network``."""

from services.network.config import Settings
from shared.worker import make_worker_app

celery_app = make_worker_app(Settings.from_env())
