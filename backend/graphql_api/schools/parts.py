"""The schools domain's share of the schema."""

import strawberry

from backend.graphql_api.parts import GraphQLParts
from backend.graphql_api.schools.classes import ClassesMutation, ClassesQuery
from backend.graphql_api.schools.enrolment import (
    EnrolmentMutation,
    EnrolmentQuery,
    EnrolmentViewerFields,
)
from backend.graphql_api.schools.enrolment_log import EnrolmentLogQuery
from backend.graphql_api.schools.enrolment_rounds import EnrolmentRoundsMutation
from backend.graphql_api.schools.grades import GradesMutation
from backend.graphql_api.schools.mutations import SchoolsMutation
from backend.graphql_api.schools.notices import NoticeMutation, NoticeQuery, NoticeViewerFields
from backend.graphql_api.schools.queries import SchoolsQuery, SchoolsViewerFields


@strawberry.type
class Query(SchoolsQuery, NoticeQuery, EnrolmentQuery, EnrolmentLogQuery, ClassesQuery):
    pass


@strawberry.type
class Mutation(
    SchoolsMutation,
    NoticeMutation,
    EnrolmentMutation,
    GradesMutation,
    ClassesMutation,
    EnrolmentRoundsMutation,
):
    pass


@strawberry.type
class ViewerFields(SchoolsViewerFields, NoticeViewerFields, EnrolmentViewerFields):
    pass


PARTS = GraphQLParts(
    query=Query,
    mutation=Mutation,
    viewer=ViewerFields,
    role_scopes={"school_staff": "School"},
    public_fields=frozenset({"schools", "school", "schoolsForAddress", "schoolEnrolmentRounds"}),
)
