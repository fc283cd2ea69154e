"""GraphQL of class management: a school's classes for its staff; opening a class, its
homeroom teacher and placing students, for the school's administrators."""

from __future__ import annotations

import strawberry
from strawberry import relay

from backend.errors import BadUserInput
from backend.graphql_api.context import Info
from backend.graphql_api.nodes import decode_id
from backend.graphql_api.pagination import Keyset
from backend.graphql_api.schools.types import SchoolClass, school_class_from
from backend.schools import classes
from backend.schools.models import SchoolClass as SchoolClassEntity
from backend.schools.repository.rows import ClassRow

CLASSES_BY_NAME = Keyset("schools.classes.name", str)


@strawberry.type
class SchoolClassEdge:
    node: SchoolClass
    cursor: str


@strawberry.type
class SchoolClassConnection:
    edges: list[SchoolClassEdge]
    page_info: relay.PageInfo


@strawberry.input
class CreateSchoolClassInput:
    school_id: relay.GlobalID
    school_year: str = strawberry.field(description="e.g. 2026-2027.")
    name: str = strawberry.field(description="e.g. 10 Toán; unique in the school and year.")
    grade: int = strawberry.field(description="A grade the school teaches.")
    room: str | None = None


@strawberry.input
class AssignSchoolHomeroomTeacherInput:
    class_id: relay.GlobalID
    teacher_phone: str = strawberry.field(description="The phone of a staff member's account.")


@strawberry.input
class PlaceSchoolStudentsInput:
    class_id: relay.GlobalID = strawberry.field(description="A class of the current year.")
    student_ids: list[relay.GlobalID] = strawberry.field(description="At most 60.")


@strawberry.type
class PlacedSchoolStudents:
    school_class: SchoolClass
    moved: int = strawberry.field(description="Students who changed class (others were in it).")


def _class(row: SchoolClassEntity) -> SchoolClass:
    return school_class_from(
        ClassRow(
            id=row.id,
            school_id=row.school_id,
            school_year=row.school_year,
            name=row.name,
            grade=row.grade,
            room=row.room,
            homeroom_teacher=row.homeroom_teacher,
        )
    )


@strawberry.type
class ClassesQuery:
    @strawberry.field(
        description="School staff: the school's classes of a year (the current one by "
        "default), by name."
    )
    async def school_classes(
        self,
        info: Info,
        school_id: relay.GlobalID,
        school_year: str | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> SchoolClassConnection:
        viewer = await info.context.require_viewer()
        school = decode_id(school_id, "School", field="schoolId")
        page = CLASSES_BY_NAME.page(first, after)
        async with info.context.read() as session:
            rows = await classes.classes_of_school(
                session, viewer.id, school, school_year, after=page.after, limit=page.limit
            )
        edges = [
            SchoolClassEdge(
                node=school_class_from(row), cursor=CLASSES_BY_NAME.encode(row.name, row.id)
            )
            for row in rows[: page.size]
        ]
        return SchoolClassConnection(
            edges=edges,
            page_info=page.page_info(rows, edges),  # type: ignore[arg-type]
        )


@strawberry.type
class ClassesMutation:
    @strawberry.mutation(description="School administrators: open a class for a school year.")
    async def create_school_class(
        self, info: Info, input: CreateSchoolClassInput
    ) -> SchoolClass | None:
        viewer = await info.context.require_viewer()
        async with info.context.unit_of_work() as uow:
            created = await classes.create(
                uow,
                staff_id=viewer.id,
                school_id=decode_id(input.school_id, "School", field="input.schoolId"),
                year=input.school_year,
                name=input.name,
                grade=input.grade,
                room=input.room,
                now=info.context.now(),
            )
        return _class(created)

    @strawberry.mutation(
        description="School administrators: make one of the school's staff the class's "
        "homeroom teacher; they may then record attendance and grades for it."
    )
    async def assign_school_homeroom_teacher(
        self, info: Info, input: AssignSchoolHomeroomTeacherInput
    ) -> SchoolClass | None:
        viewer = await info.context.require_viewer()
        async with info.context.unit_of_work() as uow:
            assigned = await classes.assign_homeroom(
                uow,
                staff_id=viewer.id,
                class_id=decode_id(input.class_id, "SchoolClass", field="input.classId"),
                teacher_phone=input.teacher_phone,
            )
        return _class(assigned)

    @strawberry.mutation(
        description="School administrators: put students of the school in a class of the "
        "current year, moving them from their class if they had one."
    )
    async def place_school_students(
        self, info: Info, input: PlaceSchoolStudentsInput
    ) -> PlacedSchoolStudents | None:
        viewer = await info.context.require_viewer()
        if len(input.student_ids) > classes.MAX_STUDENTS:
            raise BadUserInput("input.too_long", field="input.studentIds", max=classes.MAX_STUDENTS)
        students = [
            decode_id(student, "SchoolStudent", field="input.studentIds")
            for student in input.student_ids
        ]
        async with info.context.unit_of_work() as uow:
            placed, moved = await classes.place_students(
                uow,
                staff_id=viewer.id,
                class_id=decode_id(input.class_id, "SchoolClass", field="input.classId"),
                student_ids=students,
            )
        return PlacedSchoolStudents(school_class=_class(placed), moved=moved)
