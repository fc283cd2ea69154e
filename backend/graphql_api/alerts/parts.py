"""The alerts domain's share of the schema."""

from backend.graphql_api.alerts.mutations import AlertsMutation
from backend.graphql_api.alerts.queries import AlertsQuery
from backend.graphql_api.parts import GraphQLParts

PARTS = GraphQLParts(
    query=AlertsQuery,
    mutation=AlertsMutation,
    public_fields=frozenset({"alerts", "alert"}),
)
