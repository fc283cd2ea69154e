"""The Celery application: Redis in production, a folder under var/ in the embedded mode."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from celery import Celery

from backend.settings import Settings

# Domain modules whose tasks the worker must know.
TASK_MODULES = ["backend.identity.tasks", "notifications.tasks", "backend.health.tasks"]

TASK_TIME_LIMIT_SECONDS = 600


def create_celery(settings: Settings) -> Celery:
    app = Celery("citizen-hub", broker=settings.celery_broker_url, include=TASK_MODULES)
    app.conf.update(
        task_serializer="json",
        accept_content=["json"],
        task_ignore_result=True,
        timezone="Asia/Ho_Chi_Minh",
        enable_utc=True,
        # A task is acknowledged after it ran, and re-queued if its worker died mid-task: every
        # task must be idempotent (ids in, state checked in the database).
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_time_limit=TASK_TIME_LIMIT_SECONDS,
        broker_connection_retry_on_startup=True,
        beat_schedule={
            "purge-expired-refresh-tokens": {
                "task": "identity.purge_expired_refresh_tokens",
                "schedule": timedelta(hours=6),
            },
            "sweep-notification-outbox": {
                "task": "notifications.sweep_outbox",
                "schedule": timedelta(minutes=1),
            },
            "send-health-reminders": {
                "task": "health.send_due_reminders",
                "schedule": timedelta(minutes=1),
            },
            "generate-health-slots": {
                "task": "health.generate_slots",
                "schedule": timedelta(hours=6),
            },
            "prune-stale-devices": {
                "task": "notifications.prune_stale_devices",
                "schedule": timedelta(hours=24),
            },
        },
        broker_transport_options=_transport_options(settings),
    )
    if settings.celery_broker_url.startswith("filesystem"):
        # The folder transport has no broadcast exchange for remote control.
        app.conf.worker_enable_remote_control = False
        app.conf.beat_schedule_filename = str(settings.var_dir / "celerybeat-schedule")
    app.citizen_settings = settings
    return app


def _transport_options(settings: Settings) -> dict[str, Any]:
    if settings.celery_broker_url.startswith("filesystem"):
        queue = settings.broker_folder / "queue"
        processed = settings.broker_folder / "processed"
        for folder in (queue, processed):
            folder.mkdir(parents=True, exist_ok=True)
        return {
            "data_folder_in": str(queue),
            "data_folder_out": str(queue),
            "processed_folder": str(processed),
            "store_processed": False,
        }
    return {
        "visibility_timeout": settings.celery_visibility_timeout,
        # Look for tasks of dead workers every few seconds (kombu's default waits ~100 s);
        # one cheap sorted-set query per worker.
        "unacked_restore_interval": min(10, settings.celery_visibility_timeout),
        "unacked_restore_throttle": 1,
    }


def settings_of(app: Celery) -> Settings:
    settings: Settings = app.citizen_settings
    return settings


def broker_reachable(app: Celery, timeout: float = 2.0) -> bool:
    try:
        with app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, timeout=timeout)
    except Exception:
        return False
    return True
