"""The identity domain's share of the schema."""

from backend.graphql_api.identity.mutations import IdentityMutation
from backend.graphql_api.identity.queries import IdentityQuery
from backend.graphql_api.identity.types import AccountFields
from backend.graphql_api.parts import GraphQLParts

PARTS = GraphQLParts(query=IdentityQuery, mutation=IdentityMutation, viewer=AccountFields)
