"""The cards domain: issuer keys, digital cards as SD-JWT VCs (civil servants; pilot cards for
residents and businesses), status lists, sign-in with a card and verification of presentations."""

from backend.domains import Domain

DOMAIN = Domain(
    name="cards",
    models=("backend.cards.models",),
    graphql="backend.graphql_api.cards.parts",
    catalogue="cards",
    seed="backend.seed.cards:seed_cards",
)
