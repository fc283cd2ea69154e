"""The tourism domain's share of the schema."""

import strawberry

from backend.graphql_api.parts import GraphQLParts
from backend.graphql_api.tourism.favourites import FavouriteMutation, TourismViewerFields
from backend.graphql_api.tourism.patches import TourismPatchMutation
from backend.graphql_api.tourism.queries import TourismQuery
from backend.graphql_api.tourism.staff import TourismStaffMutation
from backend.graphql_api.tourism.unpublished import TourismStaffViewerFields


@strawberry.type
class TourismMutation(FavouriteMutation, TourismStaffMutation, TourismPatchMutation):
    """Favourites for everyone signed in; content editing for the tourism department."""


@strawberry.type
class TourismViewer(TourismViewerFields, TourismStaffViewerFields):
    """What you saved; for the tourism department's staff, what is not published yet."""


PARTS = GraphQLParts(
    query=TourismQuery,
    mutation=TourismMutation,
    viewer=TourismViewer,
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
