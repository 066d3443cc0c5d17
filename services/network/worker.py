"""Celery target: ``celery -A services.network.worker worker -Q network``."""

from services.network.config import Settings
from shared.config import env_float
from shared.worker import make_worker_app

celery_app = make_worker_app(
    Settings.from_env(),
    beat_schedule={
        "network.forget_unconfirmed": {
            "task": "network.forget_unconfirmed",
            "schedule": env_float("RETENTION_SWEEP_SECONDS", 3600.0),
        },
    },
)
