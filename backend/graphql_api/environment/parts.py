"""The environment domain's share of the schema."""

from backend.graphql_api.environment.queries import EnvironmentQuery
from backend.graphql_api.parts import GraphQLParts

PARTS = GraphQLParts(
    query=EnvironmentQuery,
    public_fields=frozenset({"stations", "station", "airQuality", "floodSituation"}),
)
