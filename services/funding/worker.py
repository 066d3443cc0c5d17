"""Celery target: ``celery -A services.funding.worker worker -Q funding``."""

from services.funding.config import Settings
from shared.config import env_float
from shared.worker import make_worker_app

celery_app = make_worker_app(
    Settings.from_env(),
    beat_schedule={
        "funding.send_report_reminders": {
            "task": "funding.send_report_reminders",
            "schedule": env_float("REPORT_REMINDER_SECONDS", 3600.0),
        },
    },
)
