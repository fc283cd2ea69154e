"""A small, realistic Huế: wards, hospitals, schools, monuments. Coordinates are approximate and
ward boundaries are simplified to boxes; this is demo data, not a cadastre."""

from __future__ import annotations

from dataclasses import dataclass

from backend.identity.models import Role
from backend.places.models import PlaceKind


@dataclass(frozen=True)
class WardSeed:
    slug: str
    name_vi: str
    name_en: str
    south: float
    north: float
    west: float
    east: float


@dataclass(frozen=True)
class PlaceSeed:
    slug: str
    kind: PlaceKind
    name_vi: str
    name_en: str
    address: str
    lat: float
    lng: float


@dataclass(frozen=True)
class AccountSeed:
    phone: str
    email: str
    display_name: str
    roles: tuple[Role, ...]
    scope_place: str | None = None  # slug of the place a staff role is scoped to


DEMO_PASSWORD = "hue-demo-2026"  # noqa: S105 - documented demo accounts; seeding refuses production

WARDS = (
    WardSeed("thuan-hoa", "Phường Thuận Hòa", "Thuan Hoa Ward", 16.462, 16.480, 107.566, 107.582),
    WardSeed("dong-ba", "Phường Đông Ba", "Dong Ba Ward", 16.468, 16.480, 107.582, 107.595),
    WardSeed("vinh-ninh", "Phường Vĩnh Ninh", "Vinh Ninh Ward", 16.455, 16.468, 107.578, 107.588),
    WardSeed("phu-hoi", "Phường Phú Hội", "Phu Hoi Ward", 16.455, 16.468, 107.588, 107.600),
    WardSeed("kim-long", "Phường Kim Long", "Kim Long Ward", 16.445, 16.470, 107.540, 107.566),
    WardSeed("truong-an", "Phường Trường An", "Truong An Ward", 16.430, 16.455, 107.580, 107.600),
    WardSeed("thuy-xuan", "Phường Thủy Xuân", "Thuy Xuan Ward", 16.420, 16.445, 107.550, 107.580),
    WardSeed("thuy-bang", "Phường Thủy Bằng", "Thuy Bang Ward", 16.380, 16.420, 107.555, 107.600),
)

PLACES = (
    PlaceSeed(
        "bv-trung-uong-hue",
        PlaceKind.HOSPITAL,
        "Bệnh viện Trung ương Huế",
        "Hue Central Hospital",
        "16 Lê Lợi, Huế",
        16.4627,
        107.5868,
    ),
    PlaceSeed(
        "bv-dai-hoc-y-duoc-hue",
        PlaceKind.HOSPITAL,
        "Bệnh viện Trường Đại học Y - Dược Huế",
        "Hue University of Medicine and Pharmacy Hospital",
        "41 Nguyễn Huệ, Huế",
        16.4594,
        107.5888,
    ),
    PlaceSeed(
        "bv-quoc-te-trung-uong-hue",
        PlaceKind.HOSPITAL,
        "Bệnh viện Quốc tế Trung ương Huế",
        "Hue Central International Hospital",
        "3 Ngô Quyền, Huế",
        16.4620,
        107.5895,
    ),
    PlaceSeed(
        "tram-y-te-phu-hoi",
        PlaceKind.CLINIC,
        "Trạm Y tế phường Phú Hội",
        "Phu Hoi Ward Health Station",
        "Phú Hội, Huế",
        16.4655,
        107.5960,
    ),
    PlaceSeed(
        "thpt-chuyen-quoc-hoc",
        PlaceKind.SCHOOL,
        "Trường THPT chuyên Quốc Học",
        "Quoc Hoc High School for the Gifted",
        "12 Lê Lợi, Huế",
        16.4597,
        107.5835,
    ),
    PlaceSeed(
        "thpt-hai-ba-trung",
        PlaceKind.SCHOOL,
        "Trường THPT Hai Bà Trưng",
        "Hai Ba Trung High School",
        "14 Lê Lợi, Huế",
        16.4611,
        107.5852,
    ),
    # Address and position approximate (unconfirmed).
    PlaceSeed(
        "thcs-nguyen-tri-phuong",
        PlaceKind.SCHOOL,
        "Trường THCS Nguyễn Tri Phương",
        "Nguyen Tri Phuong Lower Secondary School",
        "Nguyễn Trường Tộ, Huế",
        16.4600,
        107.5900,
    ),
    # Address and position approximate (unconfirmed).
    PlaceSeed(
        "tieu-hoc-le-loi",
        PlaceKind.SCHOOL,
        "Trường Tiểu học Lê Lợi",
        "Le Loi Primary School",
        "Lê Lợi, Huế",
        16.4620,
        107.5870,
    ),
    PlaceSeed(
        "mam-non-hoa-sen",
        PlaceKind.SCHOOL,
        "Trường Mầm non Hoa Sen (demo)",
        "Hoa Sen Kindergarten (demo)",
        "Phú Hội, Huế",
        16.4640,
        107.5950,
    ),
    PlaceSeed(
        "dai-hoc-hue",
        PlaceKind.UNIVERSITY,
        "Đại học Huế",
        "Hue University",
        "3 Lê Lợi, Huế",
        16.4664,
        107.5894,
    ),
    PlaceSeed(
        "dai-noi-hue",
        PlaceKind.MONUMENT,
        "Đại Nội Huế",
        "Imperial City of Huế",
        "Đường 23 Tháng 8, Huế",
        16.4698,
        107.5786,
    ),
    PlaceSeed(
        "chua-thien-mu",
        PlaceKind.PAGODA,
        "Chùa Thiên Mụ",
        "Thien Mu Pagoda",
        "Nguyễn Phúc Nguyên, Kim Long, Huế",
        16.4533,
        107.5448,
    ),
    PlaceSeed(
        "lang-tu-duc",
        PlaceKind.MONUMENT,
        "Lăng Tự Đức",
        "Tomb of Tự Đức",
        "Lê Ngô Cát, Thủy Xuân, Huế",
        16.4335,
        107.5665,
    ),
    PlaceSeed(
        "lang-khai-dinh",
        PlaceKind.MONUMENT,
        "Lăng Khải Định",
        "Tomb of Khải Định",
        "Khải Định, Thủy Bằng, Huế",
        16.3990,
        107.5905,
    ),
    PlaceSeed(
        "lang-minh-mang",
        PlaceKind.MONUMENT,
        "Lăng Minh Mạng",
        "Tomb of Minh Mạng",
        "Hương Thọ, Huế",
        16.3877,
        107.5700,
    ),
    PlaceSeed(
        "dan-nam-giao",
        PlaceKind.MONUMENT,
        "Đàn Nam Giao",
        "Nam Giao Esplanade",
        "Điện Biên Phủ, Trường An, Huế",
        16.4370,
        107.5820,
    ),
    PlaceSeed(
        "cho-dong-ba",
        PlaceKind.MARKET,
        "Chợ Đông Ba",
        "Dong Ba Market",
        "Trần Hưng Đạo, Huế",
        16.4720,
        107.5880,
    ),
    PlaceSeed(
        "trung-tam-hanh-chinh-cong",
        PlaceKind.GOVERNMENT_OFFICE,
        "Trung tâm Phục vụ hành chính công tỉnh",
        "Provincial Public Administration Service Centre",
        "1 Lê Lai, Huế",
        16.4617,
        107.5923,
    ),
)

ACCOUNTS = (
    AccountSeed("0905000001", "cudan@demo.hue.vn", "Nguyễn Văn An", (Role.RESIDENT,)),
    AccountSeed(
        "0905000002", "phuhuynh@demo.hue.vn", "Trần Thị Bình", (Role.RESIDENT, Role.PARENT)
    ),
    AccountSeed(
        "0905000003",
        "congchuc@demo.hue.vn",
        "Lê Minh Châu",
        (Role.RESIDENT, Role.CIVIL_SERVANT, Role.CIVIL_DEFENCE_OPERATOR),
    ),
    AccountSeed(
        "0905000004",
        "bacsi@demo.hue.vn",
        "Phạm Đức Dũng",
        (Role.RESIDENT, Role.HEALTH_STAFF),
        scope_place="bv-trung-uong-hue",
    ),
    AccountSeed(
        "0905000005",
        "giaovien@demo.hue.vn",
        "Hoàng Thị Em",
        (Role.RESIDENT, Role.SCHOOL_STAFF),
        scope_place="thpt-chuyen-quoc-hoc",
    ),
    AccountSeed(
        "0905000006",
        "doanhnghiep@demo.hue.vn",
        "Võ Quang Phúc",
        (Role.RESIDENT, Role.BUSINESS_OWNER),
    ),
    AccountSeed("0905000007", "quantri@demo.hue.vn", "Đặng Thu Giang", (Role.ADMIN,)),
    # The second civil-defence operator: alerts need two people (one drafts, one approves).
    AccountSeed(
        "0905000021",
        "phongthu@demo.hue.vn",
        "Trương Văn Hải",
        (Role.RESIDENT, Role.CIVIL_DEFENCE_OPERATOR),
    ),
)
