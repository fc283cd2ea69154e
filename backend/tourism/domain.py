"""The tourism domain: attractions, tickets, events and itineraries of Huế, for anonymous
visitors in six languages; favourites and reminders for signed-in people; staff editing."""

from datetime import timedelta

from backend.domains import Domain, Periodic

DOMAIN = Domain(
    name="tourism",
    models=("backend.tourism.models",),
    tasks=("backend.tourism.tasks",),
    periodic={
        "send-tourism-event-reminders": Periodic(
            "tourism.send_event_reminders", timedelta(minutes=5)
        ),
    },
    graphql="backend.graphql_api.tourism.parts",
    catalogue="tourism",
    seed="backend.seed.tourism:seed_tourism",
)
