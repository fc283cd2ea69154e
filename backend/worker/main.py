"""The Celery app of `citizen worker` (and `celery -A backend.worker.main`), from env settings."""

from __future__ import annotations

from backend.live import bus_for, install
from backend.settings import Settings
from backend.worker.celery_app import create_celery

settings = Settings()
app = create_celery(settings)
# Events raised by tasks (reminders, imports) reach the API processes through Redis when set.
install(bus_for(settings.live_events_url, settings.live_relay_folder))
