"""The health domain's share of the schema."""

from backend.graphql_api.health.mutations import HealthMutation
from backend.graphql_api.health.queries import HealthQuery, HealthViewerFields
from backend.graphql_api.health.subscriptions import HealthSubscription
from backend.graphql_api.parts import GraphQLParts

PARTS = GraphQLParts(
    query=HealthQuery,
    mutation=HealthMutation,
    subscription=HealthSubscription,
    viewer=HealthViewerFields,
    role_scopes={"health_staff": "HealthFacility"},
    public_fields=frozenset(
        {"healthFacilities", "healthFacility", "healthSpecialties", "availableSlots"}
    ),
)
