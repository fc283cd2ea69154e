"""The traffic domain's share of the schema."""

from backend.graphql_api.parts import GraphQLParts
from backend.graphql_api.traffic.mutations import TrafficMutation
from backend.graphql_api.traffic.queries import TrafficQuery

PARTS = GraphQLParts(
    query=TrafficQuery,
    mutation=TrafficMutation,
    public_fields=frozenset({"trafficIncidents", "trafficIncident"}),
)
