"""The schools domain's share of the schema."""

from backend.graphql_api.parts import GraphQLParts
from backend.graphql_api.schools.mutations import SchoolsMutation
from backend.graphql_api.schools.queries import SchoolsQuery, SchoolsViewerFields

PARTS = GraphQLParts(
    query=SchoolsQuery,
    mutation=SchoolsMutation,
    viewer=SchoolsViewerFields,
    role_scopes={"school_staff": "School"},
    public_fields=frozenset({"schools", "school", "schoolsForAddress"}),
)
