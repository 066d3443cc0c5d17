"""Celery target: ``celery -A services.notifications.worker worker -Q notifications``."""

from services.notifications.config import Settings
from shared.config import env_float
from shared.worker import make_worker_app

celery_app = make_worker_app(
    Settings.from_env(),
    beat_schedule={
        "notifications.send_pending": {
            "task": "notifications.send_pending",
            "schedule": env_float("EMAIL_SWEEP_SECONDS", 30.0),
        },
        "notifications.assemble_digests": {
            "task": "notifications.assemble_digests",
            "schedule": env_float("DIGEST_SWEEP_SECONDS", 300.0),
        },
        "notifications.forget_email_contents": {
            "task": "notifications.forget_email_contents",
            "schedule": env_float("RETENTION_SWEEP_SECONDS", 3600.0),
        },
    },
)
