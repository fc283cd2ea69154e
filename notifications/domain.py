"""The push pipeline: inbox, devices, preferences, dispatch through FCM."""

from datetime import timedelta

from backend.domains import Domain, Periodic

DOMAIN = Domain(
    name="notifications",
    models=("notifications.models",),
    tasks=("notifications.tasks",),
    # A ward's public alert: one request per language topic, ahead of any personal backlog.
    urgent_tasks=("notifications.broadcast",),
    periodic={
        "sweep-notification-outbox": Periodic("notifications.sweep_outbox", timedelta(minutes=1)),
        "sync-push-topics": Periodic("notifications.sync_topics", timedelta(minutes=1)),
        "prune-stale-devices": Periodic("notifications.prune_stale_devices", timedelta(hours=24)),
    },
    graphql="backend.graphql_api.notifications.parts",
    catalogue="notifications",
)
