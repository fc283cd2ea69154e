"""The schools domain: the public directory of schools of every level (profiles on top of
`places`, fees, admission zones and intake places) and students' records reached by parents
through verified links the school issues."""

from backend.domains import Domain

DOMAIN = Domain(
    name="schools",
    models=("backend.schools.models",),
    graphql="backend.graphql_api.schools.parts",
    catalogue="schools",
    seed="backend.seed.schools:seed_schools",
)
