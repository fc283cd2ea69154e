"""The tourism domain's share of the schema."""

import strawberry

from backend.graphql_api.parts import GraphQLParts
from backend.graphql_api.tourism.favourites import FavouriteMutation, TourismViewerFields
from backend.graphql_api.tourism.queries import TourismQuery
from backend.graphql_api.tourism.staff import TourismStaffMutation


@strawberry.type
class TourismMutation(FavouriteMutation, TourismStaffMutation):
    """Favourites for everyone signed in; content editing for the tourism department."""


PARTS = GraphQLParts(
    query=TourismQuery,
    mutation=TourismMutation,
    viewer=TourismViewerFields,
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
