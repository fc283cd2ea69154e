"""The traffic domain's share of the schema."""

from backend.graphql_api.parts import GraphQLParts, compose
from backend.graphql_api.traffic.mutations import TrafficMutation
from backend.graphql_api.traffic.queries import TrafficQuery, TrafficStaffQuery, TrafficViewerFields

PARTS = GraphQLParts(
    query=compose("TrafficQueries", [TrafficQuery, TrafficStaffQuery]),
    mutation=TrafficMutation,
    viewer=TrafficViewerFields,
    public_fields=frozenset({"trafficIncidents", "trafficIncident"}),
)
