"""The tourism domain: attractions, tickets, events and itineraries of Huế, for anonymous
visitors in six languages."""

from backend.domains import Domain

DOMAIN = Domain(
    name="tourism",
    models=("backend.tourism.models",),
    graphql="backend.graphql_api.tourism.parts",
    catalogue="tourism",
    seed="backend.seed.tourism:seed_tourism",
)
