"""The alerts domain's share of the schema."""

from backend.graphql_api.alerts.mutations import AlertsMutation
from backend.graphql_api.alerts.queries import AlertsQuery
from backend.graphql_api.alerts.subscriptions import AlertsSubscription
from backend.graphql_api.parts import GraphQLParts

PARTS = GraphQLParts(
    query=AlertsQuery,
    mutation=AlertsMutation,
    subscription=AlertsSubscription,
    public_fields=frozenset({"alerts", "alert"}),
)
