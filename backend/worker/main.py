"""The Celery app of `citizen worker` (and `celery -A backend.worker.main`), from env settings."""

from __future__ import annotations

from backend.settings import Settings
from backend.worker.celery_app import create_celery

app = create_celery(Settings())
