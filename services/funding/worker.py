"""Celery target: ``celery -A services.funding.worker worker -Q funding``."""

from services.funding.config import Settings
from shared.worker import make_worker_app

celery_app = make_worker_app(Settings.from_env())
