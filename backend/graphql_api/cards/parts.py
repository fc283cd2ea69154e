"""The cards domain's share of the schema."""

from backend.graphql_api.cards.mutations import CardsMutation
from backend.graphql_api.cards.queries import CardsViewerFields
from backend.graphql_api.parts import GraphQLParts

PARTS = GraphQLParts(mutation=CardsMutation, viewer=CardsViewerFields)
