"""The environment domain's share of the schema."""

from backend.graphql_api.parts import GraphQLParts

PARTS = GraphQLParts()
