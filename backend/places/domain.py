"""The places domain: wards and public places of the province."""

from backend.domains import Domain

DOMAIN = Domain(
    name="places",
    models=("backend.places.models",),
    graphql="backend.graphql_api.places.parts",
    catalogue="places",
    seed="backend.seed.demo:seed_places",
)
