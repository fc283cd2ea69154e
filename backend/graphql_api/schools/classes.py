"""GraphQL of class management: a school's classes for its staff; opening a class, linking
and removing its teachers (homeroom, subjects) and placing students, for the school's
administrators."""

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
# Homeroom teacher first (0), then subject teachers (1), by account.
CLASS_TEACHERS = Keyset("schools.class_teachers", int, lambda rank: rank in (0, 1))


@strawberry.type(
    description="A teacher linked to a class and what for: its homeroom and/or the subjects "
    "they teach it. Only linked teachers act for the class."
)
class SchoolClassTeacher:
    name: str
    phone: str | None = strawberry.field(description="The teacher's account phone (E.164).")
    homeroom: bool = strawberry.field(description="The class's homeroom teacher.")
    subjects: list[str] = strawberry.field(
        description="Subject codes they teach the class and record grades in."
    )


@strawberry.type
class SchoolClassTeacherEdge:
    node: SchoolClassTeacher
    cursor: str


@strawberry.type
class SchoolClassTeacherConnection:
    edges: list[SchoolClassTeacherEdge]
    page_info: relay.PageInfo


def _teacher(row: classes.ClassTeacherRow) -> SchoolClassTeacher:
    return SchoolClassTeacher(
        name=row.name, phone=row.phone, homeroom=row.homeroom, subjects=row.subjects
    )


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
class SetSchoolClassTeacherSubjectsInput:
    class_id: relay.GlobalID
    teacher_phone: str = strawberry.field(description="The phone of a staff member's account.")
    subjects: list[str] = strawberry.field(
        description="Subject codes (at most 20), replacing the teacher's; an empty list unlinks "
        "a teacher who is not the homeroom teacher."
    )


@strawberry.input
class RemoveSchoolClassTeacherInput:
    class_id: relay.GlobalID
    teacher_phone: str = strawberry.field(description="The phone of a linked teacher's account.")


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

    @strawberry.field(
        description="School administrators: the teachers linked to a class, its homeroom "
        "teacher first, with the subjects each teaches it."
    )
    async def school_class_teachers(
        self,
        info: Info,
        class_id: relay.GlobalID,
        first: int | None = None,
        after: str | None = None,
    ) -> SchoolClassTeacherConnection:
        viewer = await info.context.require_viewer()
        wanted = decode_id(class_id, "SchoolClass", field="classId")
        page = CLASS_TEACHERS.page(first, after)
        async with info.context.read() as session:
            rows = await classes.teachers_of_class(
                session, viewer.id, wanted, after=page.after, limit=page.limit
            )
        edges = [
            SchoolClassTeacherEdge(
                node=_teacher(row),
                cursor=CLASS_TEACHERS.encode(0 if row.homeroom else 1, row.teacher_id),
            )
            for row in rows[: page.size]
        ]
        return SchoolClassTeacherConnection(
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
        "homeroom teacher; they then act for the class (attendance, notices, its students' "
        "records). The previous homeroom teacher keeps the class only for the subjects they "
        "teach it."
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
                now=info.context.now(),
            )
        return _class(assigned)

    @strawberry.mutation(
        description="School administrators: the subjects a staff member teaches the class "
        "(they act for it and record grades in those subjects); null once an empty list "
        "unlinked them."
    )
    async def set_school_class_teacher_subjects(
        self, info: Info, input: SetSchoolClassTeacherSubjectsInput
    ) -> SchoolClassTeacher | None:
        viewer = await info.context.require_viewer()
        if len(input.subjects) > classes.MAX_SUBJECTS:
            raise BadUserInput("input.too_long", field="input.subjects", max=classes.MAX_SUBJECTS)
        async with info.context.unit_of_work() as uow:
            linked = await classes.set_subjects(
                uow,
                staff_id=viewer.id,
                class_id=decode_id(input.class_id, "SchoolClass", field="input.classId"),
                teacher_phone=input.teacher_phone,
                subjects=input.subjects,
                now=info.context.now(),
            )
        return None if linked is None else _teacher(linked)

    @strawberry.mutation(
        description="School administrators: unlink a teacher from the class (homeroom and "
        "subjects); they no longer act for it or read its students. A removed homeroom "
        "teacher leaves the class without one."
    )
    async def remove_school_class_teacher(
        self, info: Info, input: RemoveSchoolClassTeacherInput
    ) -> SchoolClass | None:
        viewer = await info.context.require_viewer()
        async with info.context.unit_of_work() as uow:
            changed = await classes.remove_teacher(
                uow,
                staff_id=viewer.id,
                class_id=decode_id(input.class_id, "SchoolClass", field="input.classId"),
                teacher_phone=input.teacher_phone,
                now=info.context.now(),
            )
        return _class(changed)

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
