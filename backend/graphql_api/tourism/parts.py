"""The tourism domain's share of the schema."""

from backend.graphql_api.parts import GraphQLParts
from backend.graphql_api.tourism.queries import TourismQuery

PARTS = GraphQLParts(
    query=TourismQuery,
    public_fields=frozenset(
        {
            "attractions",
            "attraction",
            "tourismSearch",
            "events",
            "event",
            "itineraries",
            "itinerary",
            "ticketPrice",
            "ticketCombination",
        }
    ),
)
