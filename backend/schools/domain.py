"""The schools domain: the public directory of schools of every level (profiles on top of
`places`, fees, admission zones and intake places), students' records reached by parents
through verified links the school issues, and online enrolment at entry grades."""

from datetime import timedelta

from backend.domains import Domain, Periodic

DOMAIN = Domain(
    name="schools",
    models=(
        "backend.schools.models",
        "backend.schools.admissions.models",
        "backend.schools.oneroster.models",
    ),
    tasks=("backend.schools.admissions.tasks",),
    periodic={
        "schools-expire-enrolment-offers": Periodic(
            "schools.expire_enrolment_offers", timedelta(hours=1)
        )
    },
    graphql="backend.graphql_api.schools.parts",
    catalogue="schools",
    seed="backend.seed.schools:seed_schools",
)
