"""The business demo: agencies, four permit types, five Huế businesses (invented: names, codes
and people are made up, their streets are real), the business demo account as the verified
representative of a restaurant on Phạm Ngũ Lão, the civil-servant demo account as an officer,
two certified restaurants on the map and one application in each state. Idempotent: rows are keyed
by stable ids and added only when missing.

Fees, processing days and validity periods are the commonly cited ones and marked `unconfirmed`
where they were not checked against the published text (Decree 15/2018 gives food-safety
certificates 20 working days and 3 years)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.business import permits, registry, workdays
from backend.business.models import (
    Agency,
    AgencyOfficer,
    Application,
    ApplicationEvent,
    ApplicationStatus,
    Business,
    BusinessKind,
    BusinessStatus,
    LegalForm,
    MemberRole,
    Membership,
    MembershipStatus,
    Notice,
    NoticeDelivery,
    Permit,
    PermitStatus,
    PermitType,
)
from backend.db.types import utcnow
from backend.i18n import Translated
from backend.places import service as places
from backend.seed.demo import stable_id

REPRESENTATIVE_PHONE = "+84905000006"
OFFICER_PHONE = "+84905000003"
DEMO = " (demo)"


def _t(vi: str, en: str) -> dict[str, str]:
    return {"vi": vi, "en": en}


AGENCIES = {
    "chi-cuc-attp": _t(
        "Chi cục An toàn vệ sinh thực phẩm", "Sub-department of Food Safety and Hygiene"
    ),
    "phong-dkkd": _t("Phòng Đăng ký kinh doanh", "Business Registration Office"),
    "so-xay-dung": _t("Sở Xây dựng", "Department of Construction"),
    "ubnd-phuong-phu-hoi": _t("UBND phường Phú Hội", "Phú Hội Ward People's Committee"),
    "so-cong-thuong": _t("Sở Công Thương", "Department of Industry and Trade"),
}


@dataclass(frozen=True, slots=True)
class PermitTypeSeed:
    slug: str
    name: dict[str, str]
    agency: str
    fee_vnd: int
    processing_days: int
    validity_months: int | None
    renewal_notice_days: int
    public_certificate: bool
    unconfirmed: bool
    form_fields: tuple[tuple[str, str, str, bool], ...]
    documents: tuple[tuple[str, str, str], ...]


PERMIT_TYPES = (
    PermitTypeSeed(
        "food-safety-certificate",
        _t(
            "Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm",
            "Food safety establishment certificate",
        ),
        "chi-cuc-attp",
        700_000,
        20,
        36,
        180,
        True,
        True,
        (
            ("seats", "Số chỗ ngồi", "Seats", True),
            ("kitchenArea", "Diện tích bếp (m²)", "Kitchen area (m²)", True),
            ("staffTrained", "Số nhân viên đã tập huấn", "Staff trained", False),
        ),
        (
            ("floor_plan", "Sơ đồ mặt bằng cơ sở", "Floor plan of the premises"),
            ("health_certificates", "Giấy xác nhận đủ sức khỏe", "Staff health certificates"),
            ("training", "Giấy xác nhận tập huấn kiến thức ATTP", "Food safety training"),
        ),
    ),
    PermitTypeSeed(
        "change-of-registered-details",
        _t("Thay đổi nội dung đăng ký doanh nghiệp", "Change of registered details"),
        "phong-dkkd",
        50_000,
        3,
        None,
        0,
        False,
        True,
        (("changeSummary", "Nội dung thay đổi", "What changes", True),),
        (("decision", "Quyết định thay đổi", "Decision of the owners"),),
    ),
    PermitTypeSeed(
        "advertising-sign-licence",
        _t("Giấy phép xây dựng công trình quảng cáo", "Advertising sign licence"),
        "so-xay-dung",
        100_000,
        15,
        None,
        0,
        False,
        True,
        (
            ("signSize", "Kích thước biển (m)", "Sign size (m)", True),
            ("signText", "Nội dung biển", "Text of the sign", True),
        ),
        (("design", "Bản vẽ thiết kế", "Design drawing"),),
    ),
    PermitTypeSeed(
        "outdoor-dining",
        _t("Sử dụng tạm thời một phần hè phố", "Outdoor dining on the pavement"),
        "ubnd-phuong-phu-hoi",
        0,
        5,
        12,
        30,
        False,
        True,
        (
            ("area", "Diện tích hè phố (m²)", "Pavement area (m²)", True),
            ("hours", "Khung giờ sử dụng", "Hours of use", True),
        ),
        (("site_plan", "Sơ đồ vị trí", "Site plan"),),
    ),
    # Shops that list their prices and sell at them, listed on the map like food safety.
    PermitTypeSeed(
        "price-listing",
        _t(
            "Điểm kinh doanh niêm yết giá và bán đúng giá niêm yết",
            "Shop that lists its prices and sells at them",
        ),
        "so-cong-thuong",
        0,
        10,
        None,
        0,
        True,
        True,
        (("goods", "Nhóm hàng kinh doanh", "Goods sold", True),),
        (("price_list", "Ảnh bảng niêm yết giá", "Photo of the price list"),),
    ),
)


@dataclass(frozen=True, slots=True)
class BusinessSeed:
    code: str
    kind: BusinessKind
    name_vi: str
    name_en: str | None
    legal_form: LegalForm
    vsic_main: str
    vsic_other: tuple[str, ...]
    address: str
    lat: float
    lng: float
    representative: str


BUSINESSES = (
    BusinessSeed(
        "3300912348",
        BusinessKind.ENTERPRISE,
        "Công ty TNHH Nhà hàng Hương Sen" + DEMO,
        "Huong Sen Restaurant Co., Ltd",
        LegalForm.LLC_SINGLE_MEMBER,
        "56101",
        ("56301",),
        "28 Phạm Ngũ Lão, phường Phú Hội, Huế",
        16.4701,
        107.5952,
        "Trần Văn Hòa",
    ),
    BusinessSeed(
        "3301023454",
        BusinessKind.ENTERPRISE,
        "Công ty Cổ phần Khách sạn Bến Sông" + DEMO,
        "Ben Song Hotel JSC",
        LegalForm.JOINT_STOCK,
        "55101",
        ("56101",),
        "5 Lê Lợi, phường Vĩnh Ninh, Huế",
        16.4657,
        107.5928,
        "Nguyễn Thị Mai",
    ),
    BusinessSeed(
        "33A8001234",
        BusinessKind.HOUSEHOLD,
        "Hộ kinh doanh Nón lá Đông Ba" + DEMO,
        None,
        LegalForm.HOUSEHOLD_BUSINESS,
        "47711",
        (),
        "Chợ Đông Ba, 2 Trần Hưng Đạo, phường Phú Hòa, Huế",
        16.4731,
        107.5886,
        "Hồ Thị Lan",
    ),
    BusinessSeed(
        "3301156782",
        BusinessKind.ENTERPRISE,
        "Công ty TNHH Du lịch Cố Đô" + DEMO,
        "Co Do Travel",
        LegalForm.LLC_MULTI_MEMBER,
        "79120",
        ("79110",),
        "14 Chu Văn An, phường Phú Hội, Huế",
        16.4694,
        107.5943,
        "Lê Quang Vinh",
    ),
    BusinessSeed(
        "33A8005678",
        BusinessKind.HOUSEHOLD,
        "Quán bún bò Đông Ba" + DEMO,
        None,
        LegalForm.HOUSEHOLD_BUSINESS,
        "56101",
        (),
        "17 Hàn Thuyên, phường Phú Hòa, Huế",
        16.4739,
        107.5879,
        "Phan Thị Hạnh",
    ),
)
RESTAURANT, _HOTEL, CRAFTS, _TOURS, NOODLES = (seed.code for seed in BUSINESSES)
# (business, permit type, number, issued on)
PERMITS = (
    (RESTAURANT, "food-safety-certificate", "ATTP-2025-0001DEMO", date(2025, 3, 10)),
    (NOODLES, "food-safety-certificate", "ATTP-2024-0002DEMO", date(2024, 6, 3)),
    (CRAFTS, "price-listing", "NYG-2026-0004DEMO", date(2026, 1, 15)),
)
# (slug, business, permit type, status, form)
APPLICATIONS: tuple[tuple[str, str, str, ApplicationStatus, dict[str, str]], ...] = (
    (
        "restaurant-pavement",
        RESTAURANT,
        "outdoor-dining",
        ApplicationStatus.SUBMITTED,
        {"area": "12", "hours": "17:00-22:00"},
    ),
    (
        "restaurant-sign",
        RESTAURANT,
        "advertising-sign-licence",
        ApplicationStatus.DRAFT,
        {"signSize": "3 x 0.8"},
    ),
    (
        "restaurant-change",
        RESTAURANT,
        "change-of-registered-details",
        ApplicationStatus.NEEDS_INFO,
        {"changeSummary": "Bổ sung ngành nghề 56301"},
    ),
    (
        "restaurant-food-renewal",
        RESTAURANT,
        "food-safety-certificate",
        ApplicationStatus.IN_REVIEW,
        {"seats": "60", "kitchenArea": "24"},
    ),
    (
        "restaurant-terrace",
        RESTAURANT,
        "outdoor-dining",
        ApplicationStatus.RESUBMITTED,
        {"area": "8", "hours": "06:00-10:00"},
    ),
    (
        "restaurant-sign-2025",
        RESTAURANT,
        "advertising-sign-licence",
        ApplicationStatus.APPROVED,
        {"signSize": "2 x 0.6", "signText": "Hương Sen"},
    ),
    (
        "restaurant-sidewalk-2025",
        RESTAURANT,
        "outdoor-dining",
        ApplicationStatus.REJECTED,
        {"area": "20", "hours": "17:00-24:00"},
    ),
    (
        "restaurant-rename-2025",
        RESTAURANT,
        "change-of-registered-details",
        ApplicationStatus.WITHDRAWN,
        {"changeSummary": "Đổi tên viết tắt"},
    ),
)
# What an officer wrote on the way to each state (the demo's Vietnamese officers).
OFFICER_NOTES = {
    ApplicationStatus.NEEDS_INFO: "Vui lòng bổ sung biên bản họp hội đồng thành viên.",
    ApplicationStatus.REJECTED: "Vỉa hè đoạn này không đủ 1,5 m lối đi cho người đi bộ.",
}
# The steps that lead to each state, after DRAFT → SUBMITTED; `None` ends at DRAFT.
PATHS: dict[ApplicationStatus, tuple[ApplicationStatus, ...] | None] = {
    ApplicationStatus.DRAFT: None,
    ApplicationStatus.SUBMITTED: (),
    ApplicationStatus.IN_REVIEW: (ApplicationStatus.IN_REVIEW,),
    ApplicationStatus.NEEDS_INFO: (ApplicationStatus.NEEDS_INFO,),
    ApplicationStatus.RESUBMITTED: (ApplicationStatus.NEEDS_INFO, ApplicationStatus.RESUBMITTED),
    ApplicationStatus.APPROVED: (ApplicationStatus.IN_REVIEW, ApplicationStatus.APPROVED),
    ApplicationStatus.REJECTED: (ApplicationStatus.IN_REVIEW, ApplicationStatus.REJECTED),
    ApplicationStatus.WITHDRAWN: (ApplicationStatus.WITHDRAWN,),
}
# The permit an approved demo application led to.
APPROVED_PERMITS = {"restaurant-sign-2025": "QC-2025-0003DEMO"}


def _valid_until(permit_type: str, issued_on: date) -> date | None:
    months = next(seed.validity_months for seed in PERMIT_TYPES if seed.slug == permit_type)
    return None if months is None else permits.add_months(issued_on, months) - timedelta(days=1)


def business_id(code: str) -> Any:
    return stable_id("business", code)


async def seed_business(session: AsyncSession) -> dict[str, int]:
    added = {"businesses": 0, "permit types": 0, "business applications": 0}
    now = utcnow()
    for slug, name in AGENCIES.items():
        if await session.get(Agency, stable_id("agency", slug)) is None:
            session.add(
                Agency(
                    id=stable_id("agency", slug), slug=slug, name=Translated(name), created_at=now
                )
            )
    await session.flush()
    for type_seed in PERMIT_TYPES:
        if await session.get(PermitType, stable_id("permit-type", type_seed.slug)) is None:
            session.add(_permit_type(type_seed, now))
            added["permit types"] += 1
    await session.flush()
    for seed in BUSINESSES:
        if await session.get(Business, business_id(seed.code)) is None:
            session.add(await _business(session, seed, now))
            added["businesses"] += 1
    await session.flush()
    representative = stable_id("user", REPRESENTATIVE_PHONE)
    officer = stable_id("user", OFFICER_PHONE)
    if await session.get(Membership, stable_id("membership", RESTAURANT)) is None:
        session.add(
            Membership(
                id=stable_id("membership", RESTAURANT),
                business_id=business_id(RESTAURANT),
                user_id=representative,
                role=MemberRole.REPRESENTATIVE,
                status=MembershipStatus.ACTIVE,
                evidence="3300912348 (demo)",
                decided_at=now,
                created_at=now,
            )
        )
    officers = set(
        await session.scalars(
            select(AgencyOfficer.agency_id).where(AgencyOfficer.user_id == officer)
        )
    )
    for slug in AGENCIES:
        if stable_id("agency", slug) not in officers:
            session.add(AgencyOfficer(agency_id=stable_id("agency", slug), user_id=officer))
    await session.flush()
    for code, permit_type, number, issued_on in PERMITS:
        if await session.get(Permit, stable_id("permit", number)) is None:
            session.add(
                Permit(
                    id=stable_id("permit", number),
                    number=number,
                    business_id=business_id(code),
                    permit_type_id=stable_id("permit-type", permit_type),
                    status=PermitStatus.VALID,
                    issued_on=issued_on,
                    valid_until=_valid_until(permit_type, issued_on),
                    created_at=now,
                )
            )
    for slug, code, permit_type, status, form in APPLICATIONS:
        if await session.get(Application, stable_id("application", slug)) is None:
            await _application(
                session, slug, code, permit_type, status, form, representative, officer
            )
            added["business applications"] += 1
    await session.flush()
    if await session.get(Notice, stable_id("notice", "flood-season")) is None:
        await _notice(session, officer, now)
    return added


async def _notice(session: AsyncSession, officer: Any, now: datetime) -> None:
    """A flood-season notice from the ward to food and drink businesses (invented text)."""
    notice_id = stable_id("notice", "flood-season")
    reached = [business_id(code) for code in (RESTAURANT, NOODLES)]
    session.add(
        Notice(
            id=notice_id,
            agency_id=stable_id("agency", "ubnd-phuong-phu-hoi"),
            title=Translated.of(
                "Chuẩn bị phòng chống lụt bão (demo)", "Prepare for the flood season (demo)"
            ),
            body=Translated.of(
                "Các cơ sở kinh doanh ăn uống kê cao hàng hóa, chằng chống biển hiệu trước "
                "ngày 15/10.",
                "Food businesses: raise stock off the floor and secure signs before 15 October.",
            ),
            vsic_prefixes=["56"],
            ward_ids=[],
            published_by=officer,
            published_at=now,
            recipients=len(reached),
        )
    )
    await session.flush()
    session.add_all(NoticeDelivery(notice_id=notice_id, business_id=b) for b in reached)
    await session.flush()


def _permit_type(seed: PermitTypeSeed, now: datetime) -> PermitType:
    return PermitType(
        id=stable_id("permit-type", seed.slug),
        slug=seed.slug,
        name=Translated(seed.name),
        form_fields=[
            {"name": name, "label": _t(vi, en), "required": required}
            for name, vi, en, required in seed.form_fields
        ],
        required_documents=[{"code": code, "name": _t(vi, en)} for code, vi, en in seed.documents],
        fee_vnd=seed.fee_vnd,
        processing_days=seed.processing_days,
        validity_months=seed.validity_months,
        renewal_notice_days=seed.renewal_notice_days,
        agency_id=stable_id("agency", seed.agency),
        public_certificate=seed.public_certificate,
        unconfirmed=seed.unconfirmed,
        created_at=now,
    )


async def _business(session: AsyncSession, seed: BusinessSeed, now: datetime) -> Business:
    record = registry.checked_record(
        code=seed.code,
        kind=seed.kind,
        name_vi=seed.name_vi,
        name_en=seed.name_en,
        legal_form=seed.legal_form,
        vsic_main=seed.vsic_main,
        vsic_other=seed.vsic_other,
        address=seed.address,
        latitude=seed.lat,
        longitude=seed.lng,
        representative_name=seed.representative,
        status=BusinessStatus.ACTIVE,
    )
    assert record.location is not None
    ward = await places.ward_at(session, record.location)
    return Business(
        id=business_id(record.code),
        code=record.code,
        kind=record.kind,
        name_vi=record.name_vi,
        name_en=record.name_en,
        legal_form=record.legal_form,
        vsic_main=record.vsic_main,
        vsic_other=list(record.vsic_other),
        address=record.address,
        location=record.location,
        ward_id=None if ward is None else ward.id,
        representative_name=record.representative_name,
        status=record.status,
        search_text=registry.search_text(record),
        created_at=now,
        updated_at=now,
    )


async def _application(
    session: AsyncSession,
    slug: str,
    code: str,
    permit_type: str,
    status: ApplicationStatus,
    form: dict[str, str],
    representative: Any,
    officer: Any,
) -> None:
    """An application in `status` with the history that led there, submitted two days before
    the seed ran (steps a minute apart); an approved one with its permit."""
    seed_type = next(seed for seed in PERMIT_TYPES if seed.slug == permit_type)
    submitted = datetime.now(UTC) - timedelta(days=2)
    application_id = stable_id("application", slug)
    steps: list[tuple[ApplicationStatus | None, ApplicationStatus, Any, str | None]] = [
        (None, ApplicationStatus.DRAFT, representative, None)
    ]
    path = PATHS[status]
    if path is not None:
        steps.append((ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED, representative, None))
        for target in path:
            by_business = target in (ApplicationStatus.RESUBMITTED, ApplicationStatus.WITHDRAWN)
            actor = representative if by_business else officer
            steps.append((steps[-1][1], target, actor, OFFICER_NOTES.get(target)))
    waiting_on_agency = status in (
        ApplicationStatus.SUBMITTED,
        ApplicationStatus.IN_REVIEW,
        ApplicationStatus.RESUBMITTED,
    )
    decided = status in (
        ApplicationStatus.APPROVED,
        ApplicationStatus.REJECTED,
        ApplicationStatus.WITHDRAWN,
    )
    last_step = submitted + timedelta(minutes=len(steps) - 1)
    session.add(
        Application(
            id=application_id,
            business_id=business_id(code),
            permit_type_id=stable_id("permit-type", permit_type),
            agency_id=stable_id("agency", seed_type.agency),
            status=status,
            created_by=representative,
            form=form,
            officer_note=OFFICER_NOTES.get(status),
            submitted_at=None if status is ApplicationStatus.DRAFT else submitted,
            due_at=workdays.due_at(submitted, seed_type.processing_days)
            if waiting_on_agency
            else None,
            decided_at=last_step if decided else None,
            created_at=submitted,
            updated_at=last_step,
        )
    )
    if slug in APPROVED_PERMITS:
        await session.flush()
        session.add(
            Permit(
                id=stable_id("permit", APPROVED_PERMITS[slug]),
                number=APPROVED_PERMITS[slug],
                business_id=business_id(code),
                permit_type_id=stable_id("permit-type", permit_type),
                application_id=application_id,
                status=PermitStatus.VALID,
                issued_on=last_step.date(),
                valid_until=None,
                created_at=last_step,
            )
        )
    await session.flush()
    for index, (source, target, actor, text) in enumerate(steps):
        session.add(
            ApplicationEvent(
                id=stable_id("application-event", f"{slug}:{index}"),
                application_id=application_id,
                from_status=source,
                to_status=target,
                actor_id=actor,
                note=text,
                at=submitted + timedelta(minutes=index),
            )
        )
