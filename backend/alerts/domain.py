"""The alerts domain: CAP 1.2 public alerts, their approval, delivery to wards and open data."""

from datetime import timedelta

from backend.domains import Domain, Periodic

DOMAIN = Domain(
    name="alerts",
    models=("backend.alerts.models",),
    tasks=("backend.alerts.tasks",),
    urgent_tasks=("alerts.deliver",),
    periodic={
        "deliver-issued-alerts": Periodic("alerts.sweep_deliveries", timedelta(minutes=5)),
    },
    graphql="backend.graphql_api.alerts.parts",
    catalogue="alerts",
    seed="backend.seed.alerts:seed_alerts",
)
