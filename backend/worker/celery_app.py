"""The Celery application: Redis in production, a folder under var/ in the embedded mode.

Task modules and the periodic schedule come from the domains' declarations.
"""

from __future__ import annotations

from typing import Any

from celery import Celery
from kombu.entity import Queue

from backend.domains import periodic_tasks, task_modules, urgent_tasks
from backend.settings import Settings

TASK_TIME_LIMIT_SECONDS = 600
# Workers take from the urgent queue first (strictly, on Redis): a flood alert never waits
# behind a fan-out of 100,000 personal pushes or an import.
URGENT_QUEUE = "urgent"
DEFAULT_QUEUE = "celery"


def create_celery(settings: Settings) -> Celery:
    app = Celery("citizen-hub", broker=settings.celery_broker_url, include=task_modules())
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
        # A publish that fails is not retried in the caller: the outbox sweep re-sends what was
        # committed but not sent. (kombu's default retries cost a request ~0.6 s per refusal.)
        task_publish_retry=False,
        broker_connection_timeout=2,
        beat_schedule={
            name: {"task": entry.task, "schedule": entry.every}
            for name, entry in periodic_tasks().items()
        },
        broker_transport_options=_transport_options(settings),
        task_queues=_queues(),
        task_default_queue=DEFAULT_QUEUE,
        task_routes={name: {"queue": URGENT_QUEUE} for name in urgent_tasks()},
    )
    if settings.celery_broker_url.startswith("filesystem"):
        # The folder transport has no broadcast exchange for remote control.
        app.conf.worker_enable_remote_control = False
        app.conf.beat_schedule_filename = str(settings.var_dir / "celerybeat-schedule")
    app.citizen_settings = settings
    return app


def _queues() -> tuple[Queue, Queue]:
    """The urgent queue, then the default one (kombu's Queue is untyped)."""
    return (Queue(URGENT_QUEUE), Queue(DEFAULT_QUEUE))  # type: ignore[no-untyped-call]


def _transport_options(settings: Settings) -> dict[str, Any]:
    if settings.celery_broker_url.startswith("filesystem"):
        queue = settings.broker_folder / "queue"
        processed = settings.broker_folder / "processed"
        control = settings.broker_folder / "control"
        for folder in (queue, processed, control):
            folder.mkdir(parents=True, exist_ok=True)
        return {
            "data_folder_in": str(queue),
            "data_folder_out": str(queue),
            "processed_folder": str(processed),
            "store_processed": False,
            # kombu writes its exchange table here; its default is `control/` in the cwd.
            "control_folder": str(control),
        }
    return {
        "visibility_timeout": settings.celery_visibility_timeout,
        # Look for tasks of dead workers every few seconds (kombu's default waits ~100 s);
        # one cheap sorted-set query per worker.
        "unacked_restore_interval": min(10, settings.celery_visibility_timeout),
        "unacked_restore_throttle": 1,
        # Queues in `task_queues` order, not round robin: the urgent one first.
        "queue_order_strategy": "priority",
    }


def broker_reachable(app: Celery, timeout: float = 2.0) -> bool:
    try:
        with app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, timeout=timeout)
    except Exception:
        return False
    return True
