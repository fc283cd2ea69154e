"""The business domain's share of the schema."""

from backend.graphql_api.business.mutations import BusinessMutation
from backend.graphql_api.business.queries import BusinessQuery, BusinessViewerFields
from backend.graphql_api.parts import GraphQLParts

PARTS = GraphQLParts(
    query=BusinessQuery,
    mutation=BusinessMutation,
    viewer=BusinessViewerFields,
    public_fields=frozenset({"certifiedBusinesses", "businessPermitTypes"}),
)
