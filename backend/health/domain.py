"""The health domain: facilities, schedules and slots, bookings, staff actions, reminders."""

from datetime import timedelta

from backend.domains import Domain, Periodic

DOMAIN = Domain(
    name="health",
    models=("backend.health.models",),
    tasks=("backend.health.tasks",),
    periodic={
        "send-health-reminders": Periodic("health.send_due_reminders", timedelta(minutes=1)),
        "generate-health-slots": Periodic("health.generate_slots", timedelta(hours=6)),
    },
    graphql="backend.graphql_api.health.parts",
    catalogue="health",
    seed="backend.seed.demo:seed_health_demo",
)
