"""The traffic domain: incidents near me, citizens' vehicles with their camera-detected
violations (for the verified owner only), and statistics for planners."""

from backend.domains import Domain

DOMAIN = Domain(
    name="traffic",
    models=("backend.traffic.models",),
    graphql="backend.graphql_api.traffic.parts",
    catalogue="traffic",
    seed="backend.seed.traffic:seed_traffic",
    http="backend.traffic.feed:router",
)
