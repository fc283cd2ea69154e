"""The cards domain: issuer keys, digital cards as SD-JWT VCs (civil servants; pilot cards for
residents and businesses), status lists, sign-in with a card and verification of presentations."""

from datetime import timedelta

from backend.domains import Domain, Periodic

DOMAIN = Domain(
    name="cards",
    models=("backend.cards.models",),
    tasks=("backend.cards.tasks",),
    periodic={"purge-card-nonces": Periodic("cards.purge_nonces", timedelta(hours=1))},
    graphql="backend.graphql_api.cards.parts",
    catalogue="cards",
    seed="backend.seed.cards:seed_cards",
)
