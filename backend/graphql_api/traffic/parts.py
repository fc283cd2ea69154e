"""The traffic domain's share of the schema."""

from backend.graphql_api.parts import GraphQLParts, compose
from backend.graphql_api.traffic.mutations import TrafficMutation
from backend.graphql_api.traffic.network import TrafficNetworkMutation
from backend.graphql_api.traffic.queries import TrafficQuery, TrafficStaffQuery, TrafficViewerFields
from backend.graphql_api.traffic.statistics import TrafficStatisticsQuery
from backend.graphql_api.traffic.subscriptions import TrafficSubscription

PARTS = GraphQLParts(
    query=compose("TrafficQueries", [TrafficQuery, TrafficStaffQuery, TrafficStatisticsQuery]),
    mutation=compose("TrafficMutations", [TrafficMutation, TrafficNetworkMutation]),
    subscription=TrafficSubscription,
    viewer=TrafficViewerFields,
    public_fields=frozenset({"trafficIncidents", "trafficIncident"}),
)
