"""The Celery app of `citizen worker` (and `celery -A notifications.worker`), from env settings."""

from __future__ import annotations

from backend.settings import Settings
from notifications.celery_app import create_celery

app = create_celery(Settings())
