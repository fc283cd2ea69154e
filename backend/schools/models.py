"""Tables of the schools domain: a school's profile (the school side of a `places` row, same
id), its fees per school year, admission zone and intake places; students as the school
recorded them with their guardians' phones; one-time link codes; parents' links and their log.

These entities serve writes; reads go through typed rows (`backend.schools.repository.rows`)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    Numeric,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from backend.db.base import Base, CreatedAtMixin
from backend.db.types import TranslatedText, UTCDateTime, string_enum
from backend.i18n import Translated


class SchoolLevel(StrEnum):
    NURSERY = "nursery"  # nhà trẻ, under 3
    KINDERGARTEN = "kindergarten"  # mẫu giáo, 3 to 5
    PRIMARY = "primary"  # tiểu học, grades 1–5
    LOWER_SECONDARY = "lower_secondary"  # THCS, grades 6–9
    UPPER_SECONDARY = "upper_secondary"  # THPT, grades 10–12


class Ownership(StrEnum):
    PUBLIC = "public"
    PRIVATE = "private"


class FeePeriod(StrEnum):
    MONTH = "month"
    TERM = "term"
    YEAR = "year"
    ONCE = "once"


class LinkAction(StrEnum):
    CODE_ISSUED = "code_issued"
    LINKED = "linked"
    FAILED = "failed"  # a wrong code or an account the school did not record
    REVOKED = "revoked"


class School(CreatedAtMixin, Base):
    """The school side of a `places` row (same id): name, address and location live there."""

    __tablename__ = "schools"
    __table_args__ = (Index(None, "level"),)

    id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("places.id", ondelete="CASCADE"), primary_key=True
    )
    level: Mapped[SchoolLevel] = mapped_column(string_enum(SchoolLevel, "school_level"))
    ownership: Mapped[Ownership] = mapped_column(string_enum(Ownership, "school_ownership"))
    phone: Mapped[str | None] = mapped_column(String(20))
    website: Mapped[str | None] = mapped_column(String(200))
    # Grades taught: 0 for the youngest kindergarten group up to 12; kept as a list of numbers.
    grades: Mapped[list[int]] = mapped_column(JSON())
    # Programme codes (`standard`, `gifted`, `bilingual`, `international`, …).
    programmes: Mapped[list[str]] = mapped_column(JSON())
    # The school year its fees and intake describe, e.g. "2026-2027".
    current_year: Mapped[str] = mapped_column(String(9))


class SchoolFee(CreatedAtMixin, Base):
    __tablename__ = "school_fees"
    __table_args__ = (Index(None, "school_id", "school_year"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    school_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"))
    school_year: Mapped[str] = mapped_column(String(9))
    name: Mapped[Translated] = mapped_column(TranslatedText())
    amount_vnd: Mapped[int] = mapped_column(Integer())
    period: Mapped[FeePeriod] = mapped_column(string_enum(FeePeriod, "school_fee_period"))


class AdmissionZoneWard(Base):
    """A ward whose children the school admits at entry grades (tuyến tuyển sinh)."""

    __tablename__ = "school_zone_wards"

    school_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("schools.id", ondelete="CASCADE"), primary_key=True
    )
    ward_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("wards.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class Intake(CreatedAtMixin, Base):
    """Places offered at an entry grade in a school year."""

    __tablename__ = "school_intakes"
    __table_args__ = (
        UniqueConstraint("school_id", "school_year", "grade"),
        CheckConstraint("places >= 0", name="places_not_negative"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    school_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"))
    school_year: Mapped[str] = mapped_column(String(9))
    grade: Mapped[int] = mapped_column(Integer())
    places: Mapped[int] = mapped_column(Integer())


class AttendanceStatus(StrEnum):
    PRESENT = "present"
    EXCUSED = "excused"  # vắng có phép
    UNEXCUSED = "unexcused"  # vắng không phép
    LATE = "late"


class DaySession(StrEnum):
    MORNING = "morning"
    AFTERNOON = "afternoon"


class AssessmentType(StrEnum):
    ORAL = "oral"  # miệng
    FIFTEEN_MINUTES = "fifteen_minutes"  # 15 phút
    ONE_PERIOD = "one_period"  # 1 tiết (regular test)
    MIDTERM = "midterm"  # giữa kỳ
    SEMESTER = "semester"  # cuối kỳ


class ConductRating(StrEnum):
    # Circular 22/2021: Tốt, Khá, Đạt, Chưa đạt.
    GOOD = "good"
    FAIR = "fair"
    SATISFACTORY = "satisfactory"
    FAIL = "fail"


class CalendarKind(StrEnum):
    HOLIDAY = "holiday"
    EXAM = "exam"
    EVENT = "event"


class StaffAccess(StrEnum):
    READ_STUDENT = "read_student"


class Term(CreatedAtMixin, Base):
    """A term of a school year (học kỳ I, II)."""

    __tablename__ = "school_terms"
    __table_args__ = (Index(None, "school_id", "starts_on"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    school_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"))
    school_year: Mapped[str] = mapped_column(String(9))
    name: Mapped[Translated] = mapped_column(TranslatedText())
    starts_on: Mapped[date] = mapped_column(Date())
    ends_on: Mapped[date] = mapped_column(Date())


class CalendarEntry(CreatedAtMixin, Base):
    """A holiday, an exam or an event on the school's calendar."""

    __tablename__ = "school_calendar_entries"
    __table_args__ = (Index(None, "school_id", "starts_on"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    school_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"))
    kind: Mapped[CalendarKind] = mapped_column(string_enum(CalendarKind, "school_calendar_kind"))
    name: Mapped[Translated] = mapped_column(TranslatedText())
    starts_on: Mapped[date] = mapped_column(Date())
    ends_on: Mapped[date] = mapped_column(Date())
    # Exams of one grade only; null: the whole school.
    grade: Mapped[int | None] = mapped_column(Integer())


class SchoolClass(CreatedAtMixin, Base):
    """A homeroom class of a school year."""

    __tablename__ = "school_classes"
    __table_args__ = (UniqueConstraint("school_id", "school_year", "name"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    school_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"))
    school_year: Mapped[str] = mapped_column(String(9))
    name: Mapped[str] = mapped_column(String(40))
    grade: Mapped[int] = mapped_column(Integer())
    room: Mapped[str | None] = mapped_column(String(40))
    # The homeroom teacher's name as parents see it, and their account when the school assigned
    # one of its staff (whose `ClassTeacher` link then carries the homeroom).
    homeroom_teacher: Mapped[str | None] = mapped_column(String(120))
    homeroom_teacher_id: Mapped[uuid.UUID | None] = mapped_column()


class Subject(Base):
    """A subject by code (`math`, `literature`, …), named in every language."""

    __tablename__ = "school_subjects"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[Translated] = mapped_column(TranslatedText())


class TimetableEntry(CreatedAtMixin, Base):
    """A period of a class's weekly timetable."""

    __tablename__ = "school_timetable"
    __table_args__ = (UniqueConstraint("class_id", "weekday", "period"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    class_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("school_classes.id", ondelete="CASCADE"))
    weekday: Mapped[int] = mapped_column(Integer())  # ISO: 1 Monday … 7 Sunday
    period: Mapped[int] = mapped_column(Integer())
    session: Mapped[DaySession] = mapped_column(string_enum(DaySession, "school_day_session"))
    # Local time (Asia/Ho_Chi_Minh), minutes after midnight.
    starts_minute: Mapped[int] = mapped_column(Integer())
    ends_minute: Mapped[int] = mapped_column(Integer())
    subject_code: Mapped[str] = mapped_column(ForeignKey("school_subjects.code"))
    teacher: Mapped[str | None] = mapped_column(String(120))


class Attendance(CreatedAtMixin, Base):
    """A student's attendance for one session of a school day."""

    __tablename__ = "school_attendance"
    __table_args__ = (UniqueConstraint("student_id", "day", "session"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    student_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("school_students.id", ondelete="CASCADE")
    )
    day: Mapped[date] = mapped_column(Date())
    session: Mapped[DaySession] = mapped_column(string_enum(DaySession, "school_day_session"))
    status: Mapped[AttendanceStatus] = mapped_column(
        string_enum(AttendanceStatus, "school_attendance_status")
    )
    note: Mapped[str | None] = mapped_column(String(300))
    recorded_by: Mapped[uuid.UUID | None] = mapped_column()


ONCE_PER_TERM_INDEX = "uq_school_assessments_once_per_term"
ONCE_PER_TERM_WHERE = "kind IN ('midterm', 'semester')"


class Assessment(CreatedAtMixin, Base):
    """A score (0–10) or a text assessment of a subject in a term, with the teacher's comment."""

    __tablename__ = "school_assessments"
    __table_args__ = (
        Index(None, "student_id", "term_id"),
        # A mid-term or semester grade is given once per subject and term (later ones correct it).
        Index(
            ONCE_PER_TERM_INDEX,
            "student_id",
            "term_id",
            "subject_code",
            "kind",
            unique=True,
            postgresql_where=text(ONCE_PER_TERM_WHERE),
            sqlite_where=text(ONCE_PER_TERM_WHERE),
        ),
        CheckConstraint("score IS NULL OR (score >= 0 AND score <= 10)", name="score_range"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    student_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("school_students.id", ondelete="CASCADE")
    )
    term_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("school_terms.id", ondelete="CASCADE"))
    subject_code: Mapped[str] = mapped_column(ForeignKey("school_subjects.code"))
    kind: Mapped[AssessmentType] = mapped_column(
        string_enum(AssessmentType, "school_assessment_type")
    )
    # Exact to two decimals in the database; read as a float (SQLite has no decimals).
    score: Mapped[float | None] = mapped_column(Numeric(4, 2, asdecimal=False))
    # Text assessments (primary school: "Hoàn thành tốt", …) where there is no score.
    text_score: Mapped[str | None] = mapped_column(String(60))
    comment: Mapped[str | None] = mapped_column(String(500))
    assessed_on: Mapped[date] = mapped_column(Date())
    recorded_by: Mapped[uuid.UUID | None] = mapped_column()


class GradeAction(StrEnum):
    RECORDED = "recorded"
    CORRECTED = "corrected"


class AssessmentEvent(Base):
    """The log of grades: every score recorded or corrected, by whom, what it was before and
    why it changed."""

    __tablename__ = "school_assessment_events"
    __table_args__ = (Index(None, "assessment_id", "at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    assessment_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("school_assessments.id", ondelete="CASCADE")
    )
    actor_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[GradeAction] = mapped_column(string_enum(GradeAction, "school_grade_action"))
    score: Mapped[float | None] = mapped_column(Numeric(4, 2, asdecimal=False))
    text_score: Mapped[str | None] = mapped_column(String(60))
    previous_score: Mapped[float | None] = mapped_column(Numeric(4, 2, asdecimal=False))
    previous_text_score: Mapped[str | None] = mapped_column(String(60))
    reason: Mapped[str | None] = mapped_column(String(300))
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class Conduct(CreatedAtMixin, Base):
    """A student's conduct (hạnh kiểm / rèn luyện) for a term."""

    __tablename__ = "school_conduct"
    __table_args__ = (UniqueConstraint("student_id", "term_id"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    student_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("school_students.id", ondelete="CASCADE")
    )
    term_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("school_terms.id", ondelete="CASCADE"))
    rating: Mapped[ConductRating] = mapped_column(
        string_enum(ConductRating, "school_conduct_rating")
    )
    comment: Mapped[str | None] = mapped_column(String(500))


class FeeCharge(CreatedAtMixin, Base):
    """A fee a student owes: due, and paid when the school recorded the payment."""

    __tablename__ = "school_fee_charges"
    __table_args__ = (Index(None, "student_id", "due_on"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    student_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("school_students.id", ondelete="CASCADE")
    )
    name: Mapped[Translated] = mapped_column(TranslatedText())
    amount_vnd: Mapped[int] = mapped_column(Integer())
    due_on: Mapped[date] = mapped_column(Date())
    paid_vnd: Mapped[int] = mapped_column(Integer())
    paid_on: Mapped[date | None] = mapped_column(Date())


class StaffAccessEntry(Base):
    """Every read of a student's record by school staff."""

    __tablename__ = "school_access_log"
    __table_args__ = (Index(None, "student_id", "at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    staff_user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    school_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"))
    student_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("school_students.id", ondelete="CASCADE")
    )
    action: Mapped[StaffAccess] = mapped_column(string_enum(StaffAccess, "school_staff_access"))
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class Student(CreatedAtMixin, Base):
    """A student as the school recorded them; the identifier is the 12-digit personal number."""

    __tablename__ = "school_students"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    school_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("schools.id", ondelete="CASCADE"), index=True
    )
    identifier: Mapped[str] = mapped_column(String(12), unique=True)
    full_name: Mapped[str] = mapped_column(String(120))
    date_of_birth: Mapped[date] = mapped_column(Date())
    grade: Mapped[int] = mapped_column(Integer())
    # The homeroom class (lớp chủ nhiệm) of the current school year.
    class_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("school_classes.id", ondelete="SET NULL"), index=True
    )


class Guardian(CreatedAtMixin, Base):
    """A guardian's phone (E.164) the school recorded: only its holder may link."""

    __tablename__ = "school_guardians"
    __table_args__ = (UniqueConstraint("student_id", "phone"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    student_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("school_students.id", ondelete="CASCADE")
    )
    phone: Mapped[str] = mapped_column(String(16), index=True)
    name: Mapped[str] = mapped_column(String(120))


class LinkCode(CreatedAtMixin, Base):
    """A one-time code the school hands a guardian; only its SHA-256 (with the student id) is
    kept. Single use, expiring, dead after too many wrong tries."""

    __tablename__ = "school_link_codes"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    student_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("school_students.id", ondelete="CASCADE"), index=True
    )
    code_hash: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer())
    issued_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ParentLink(CreatedAtMixin, Base):
    """A parent's account linked to a student; a revoked link gives no access."""

    __tablename__ = "school_parent_links"
    __table_args__ = (UniqueConstraint("student_id", "user_id"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    student_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("school_students.id", ondelete="CASCADE")
    )
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_by: Mapped[uuid.UUID | None] = mapped_column()


class LinkEvent(Base):
    """The log of links: codes issued, links made, failed tries, revocations."""

    __tablename__ = "school_link_events"
    __table_args__ = (Index(None, "user_id", "action", "at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    student_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("school_students.id", ondelete="CASCADE"), index=True
    )
    # The account that acted: the parent linking, or the staff issuing or revoking.
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    action: Mapped[LinkAction] = mapped_column(string_enum(LinkAction, "school_link_action"))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    details: Mapped[dict[str, str]] = mapped_column(JSON())


class StaffRole(StrEnum):
    ADMINISTRATOR = "administrator"  # acts for every class of the school
    TEACHER = "teacher"  # acts for the classes they teach


class StaffMember(CreatedAtMixin, Base):
    """What an account with the school-staff role may do at its school."""

    __tablename__ = "school_staff_members"

    school_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("schools.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    role: Mapped[StaffRole] = mapped_column(string_enum(StaffRole, "school_staff_role"))


HOMEROOM_INDEX = "uq_school_class_teachers_one_homeroom"


class ClassTeacher(Base):
    """A teacher linked to a class, and what for: its homeroom (at most one per class, kept so
    by the database) and the subjects they teach it (`ClassTeacherSubject`). Only a linked
    teacher acts for the class; a link with neither purpose is removed, not kept."""

    __tablename__ = "school_class_teachers"
    __table_args__ = (
        Index(
            HOMEROOM_INDEX,
            "class_id",
            unique=True,
            postgresql_where=text("homeroom"),
            sqlite_where=text("homeroom"),
        ),
    )

    class_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("school_classes.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    homeroom: Mapped[bool] = mapped_column(Boolean(), default=False)


class ClassTeacherSubject(Base):
    """A subject a linked teacher teaches the class: they record its grades."""

    __tablename__ = "school_class_teacher_subjects"
    __table_args__ = (
        ForeignKeyConstraint(
            ["class_id", "user_id"],
            ["school_class_teachers.class_id", "school_class_teachers.user_id"],
            ondelete="CASCADE",
        ),
    )

    class_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    subject_code: Mapped[str] = mapped_column(ForeignKey("school_subjects.code"), primary_key=True)


class TeacherLinkAction(StrEnum):
    HOMEROOM_ASSIGNED = "homeroom_assigned"
    HOMEROOM_REPLACED = "homeroom_replaced"  # the previous homeroom teacher, on a new one
    SUBJECTS_SET = "subjects_set"
    REMOVED = "removed"


class ClassTeacherEvent(Base):
    """The log of teachers' links to classes: who linked or removed whom, for what."""

    __tablename__ = "school_class_teacher_events"
    __table_args__ = (Index(None, "class_id", "at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    class_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("school_classes.id", ondelete="CASCADE"))
    teacher_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    actor_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[TeacherLinkAction] = mapped_column(
        string_enum(TeacherLinkAction, "school_teacher_link_action")
    )
    # The teacher's subjects in the class after the change.
    subjects: Mapped[list[str]] = mapped_column(JSON())
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class AbsenceAlert(Base):
    """An unexcused absence already pushed to the parents: once per student and day."""

    __tablename__ = "school_absence_alerts"

    student_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("school_students.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(Date(), primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class NoticeAudience(StrEnum):
    SCHOOL = "school"
    GRADE = "grade"
    CLASS = "class"


class NoticeKind(StrEnum):
    ANNOUNCEMENT = "announcement"
    ACKNOWLEDGEMENT = "acknowledgement"  # parents confirm they have read it
    CONSENT = "consent"  # parents answer yes or no by the due date
    CLOSURE = "closure"  # an unexpected closure: urgent, bypasses quiet hours


class NoticeAnswer(StrEnum):
    ACKNOWLEDGED = "acknowledged"
    YES = "yes"
    NO = "no"


class SchoolNotice(CreatedAtMixin, Base):
    """An announcement, an acknowledgement request or a consent form to a school, a grade or a
    class; the students it reached are recorded when it is published."""

    __tablename__ = "school_notices"
    __table_args__ = (Index(None, "school_id", "published_at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    school_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"))
    audience: Mapped[NoticeAudience] = mapped_column(
        string_enum(NoticeAudience, "school_notice_audience")
    )
    grade: Mapped[int | None] = mapped_column(Integer())
    class_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("school_classes.id", ondelete="CASCADE")
    )
    kind: Mapped[NoticeKind] = mapped_column(string_enum(NoticeKind, "school_notice_kind"))
    title: Mapped[Translated] = mapped_column(TranslatedText())
    body: Mapped[Translated] = mapped_column(TranslatedText())
    due_on: Mapped[date | None] = mapped_column(Date())
    published_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The one reminder to those who have not answered.
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class NoticeRecipient(Base):
    """A student a notice reached, and the family's answer (one per student, counted once)."""

    __tablename__ = "school_notice_recipients"

    notice_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("school_notices.id", ondelete="CASCADE"), primary_key=True
    )
    student_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("school_students.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    answer: Mapped[NoticeAnswer | None] = mapped_column(
        string_enum(NoticeAnswer, "school_notice_answer")
    )
    answered_by: Mapped[uuid.UUID | None] = mapped_column()
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
