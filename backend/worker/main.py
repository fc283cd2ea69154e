"""The Celery app of `citizen worker` (and `celery -A backend.worker.main`), from env settings."""

from __future__ import annotations

from typing import Any

from celery.signals import worker_process_shutdown, worker_shutdown

from backend.live import bus_for, install
from backend.settings import Settings
from backend.worker.celery_app import create_celery
from backend.worker.runtime import shutdown

settings = Settings()
app = create_celery(settings)
# Events raised by tasks (reminders, imports) reach the API processes through Redis when set.
install(bus_for(settings.live_events_url, settings.live_relay_folder))


def _close_loops(**_: Any) -> None:
    shutdown()


# A prefork child's loops close as the child exits; a solo or threads worker's, as it stops.
worker_process_shutdown.connect(_close_loops, weak=False)
worker_shutdown.connect(_close_loops, weak=False)
