"""The places domain's share of the schema."""

from backend.graphql_api.parts import GraphQLParts
from backend.graphql_api.places.queries import PlacesQuery

PARTS = GraphQLParts(query=PlacesQuery, public_fields=frozenset({"places", "wards", "wardAt"}))
