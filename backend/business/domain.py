"""The business domain: the registry of businesses, their representatives and staff, permit
applications handled by agencies' officers, permits and their renewal reminders, and the public
map of certified businesses."""

from datetime import timedelta

from backend.domains import Domain, Periodic

DOMAIN = Domain(
    name="business",
    models=("backend.business.models",),
    tasks=("backend.business.tasks",),
    periodic={
        "send-business-renewal-reminders": Periodic(
            "business.send_renewal_reminders", timedelta(hours=6)
        ),
    },
    graphql="backend.graphql_api.business.parts",
    catalogue="business",
    seed="backend.seed.business:seed_business",
)
