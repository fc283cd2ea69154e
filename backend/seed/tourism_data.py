"""Demo content of the tourism domain: the real Huế (DOMAIN facts of 2025/26).

Texts are in six languages: Vietnamese and English written by people, French, Korean, Chinese
and Japanese machine quality (`MACHINE` marks them so in the data). Coordinates and prices the
sources leave unconfirmed are marked `# unconfirmed`; where an amount is unknown no offer is
seeded, so the API answers "unpriced" rather than a guess. The festival (schema.org Event) is a
tree of `superEvent`/`subEvent`: the festival, its four seasons (the months the sources give),
and one or two programme items per season, whose dates are illustrative (`# unconfirmed`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from backend.tourism.models import AttractionCategory, EventCategory, TravelMode

MACHINE = ("fr", "ko", "zh", "ja")
LANGS = ("vi", "en", "fr", "ko", "zh", "ja")

IMPERIAL_HOURS = (
    # Night openings 18:00–21:30 on public holidays and Festival Week dates.
    "Mo-Su 07:00-17:30; PH 07:00-17:30,18:00-21:30; 2026Jun12-2026Jun16 07:00-17:30,18:00-21:30"
)
DAY_HOURS = "Mo-Su 07:00-17:30"


def six(*texts: str) -> dict[str, str]:
    return dict(zip(LANGS, texts, strict=True))


@dataclass(frozen=True)
class AttractionSeed:
    slug: str
    category: AttractionCategory
    name: dict[str, str]
    description: dict[str, str]
    lat: float
    lng: float
    address: str
    hours: str | None
    free: bool
    alternate_names: tuple[str, ...] = ()
    parent: str | None = None
    place: str | None = None
    accessibility: dict[str, str] | None = None
    languages: tuple[str, ...] = ("vi", "en", "fr", "ko", "zh", "ja")
    audio: bool = False


def _tomb(emperor: str, zh: str, ja: str, ko: str) -> dict[str, str]:
    return six(
        f"Lăng {emperor}",
        f"Tomb of {emperor}",
        f"Tombeau de {emperor}",
        f"{ko} 황릉",
        f"{zh}陵",
        f"{ja}帝廟",
    )


def _tomb_description(emperor: str) -> dict[str, str]:
    return six(
        f"Lăng tẩm của vua {emperor} triều Nguyễn, thuộc Quần thể di tích Cố đô Huế.",
        f"Mausoleum of the Nguyễn emperor {emperor}, part of the Complex of Huế Monuments.",
        f"Mausolée de l’empereur {emperor} des Nguyễn, élément des monuments de Hué.",
        f"응우옌 왕조 {emperor} 황제의 능으로, 후에 기념물 지구의 일부입니다.",
        f"阮朝{emperor}皇帝的陵墓，属于顺化古迹群。",
        f"阮朝の{emperor}帝の陵墓で、フエの建造物群の一部です。",
    )


STEPS = six(
    "Nhiều bậc thang và sân lát đá; xe lăn khó tiếp cận một số khu vực.",
    "Many steps and stone courtyards; some areas are hard to reach by wheelchair.",
    "Nombreuses marches et cours pavées ; certaines zones difficiles en fauteuil roulant.",
    "계단과 돌마당이 많아 일부 구역은 휠체어 접근이 어렵습니다.",
    "台阶和石铺庭院较多，部分区域轮椅难以进入。",
    "階段や石畳が多く、一部は車椅子での移動が困難です。",
)

ATTRACTIONS: tuple[AttractionSeed, ...] = (
    AttractionSeed(
        "dai-noi",
        AttractionCategory.IMPERIAL_MONUMENT,
        six(
            "Đại Nội Huế",
            "Imperial City of Huế",
            "Cité impériale de Hué",
            "후에 황성",
            "顺化皇城",
            "フエ王宮",
        ),
        six(
            "Hoàng thành và Tử Cấm thành của triều Nguyễn (1802–1945), Di sản Thế giới UNESCO.",
            "The walled Imperial City and Forbidden Purple City of the Nguyễn dynasty "
            "(1802–1945), a UNESCO World Heritage site.",
            "La Cité impériale et la Cité pourpre interdite des Nguyễn, patrimoine de l’UNESCO.",
            "응우옌 왕조의 황성과 자금성으로 유네스코 세계유산입니다.",
            "阮朝的皇城与紫禁城，联合国教科文组织世界遗产。",
            "阮朝の皇城と紫禁城で、ユネスコ世界遺産です。",
        ),
        16.4698,
        107.5786,
        "Đường 23 Tháng 8, Huế",
        IMPERIAL_HOURS,
        False,
        alternate_names=("Hoàng thành Huế", "Kinh thành Huế", "Hue Citadel", "Imperial Citadel"),
        place="dai-noi-hue",
        accessibility=STEPS,
        audio=True,
    ),
    AttractionSeed(
        "ngo-mon",
        AttractionCategory.IMPERIAL_MONUMENT,
        six("Ngọ Môn", "Meridian Gate", "Porte du Midi", "오문", "午门", "午門"),
        six(
            "Cổng chính phía nam của Hoàng thành, nơi cử hành các đại lễ.",
            "The main southern gate of the Imperial City, where grand ceremonies were held.",
            "La porte sud principale de la Cité impériale, lieu des grandes cérémonies.",
            "황성의 남쪽 정문으로 큰 의식이 거행되던 곳입니다.",
            "皇城南面的正门，曾举行重大典礼。",
            "王宮の南の正門で、大典礼が行われた場所です。",
        ),
        16.4686,
        107.5780,
        "Đường 23 Tháng 8, Huế",
        IMPERIAL_HOURS,
        False,
        alternate_names=("Ngo Mon Gate", "Noon Gate"),
        parent="dai-noi",
    ),
    AttractionSeed(
        "cua-hien-nhon",
        AttractionCategory.IMPERIAL_MONUMENT,
        six("Cửa Hiển Nhơn", "Hiển Nhơn Gate", "Porte Hiển Nhơn", "현년문", "显仁门", "顕仁門"),
        six(
            "Cổng phía đông của Hoàng thành, lối vào chính cho du khách hiện nay.",
            "The eastern gate of the Imperial City, today the visitors' main entrance.",
            "La porte est de la Cité impériale, entrée principale des visiteurs.",
            "황성의 동문으로 현재 관람객의 주 출입구입니다.",
            "皇城东门，现为游客主要入口。",
            "王宮の東門で、現在は主な入口です。",
        ),
        16.4707,  # unconfirmed
        107.5822,  # unconfirmed
        "Đường Đoàn Thị Điểm, Huế",
        IMPERIAL_HOURS,
        False,
        parent="dai-noi",
    ),
    AttractionSeed(
        "cua-chuong-duc",
        AttractionCategory.IMPERIAL_MONUMENT,
        six("Cửa Chương Đức", "Chương Đức Gate", "Porte Chương Đức", "장덕문", "彰德门", "彰徳門"),
        six(
            "Cổng phía tây của Hoàng thành.",
            "The western gate of the Imperial City.",
            "La porte ouest de la Cité impériale.",
            "황성의 서문입니다.",
            "皇城西门。",
            "王宮の西門です。",
        ),
        16.4680,  # unconfirmed
        107.5752,  # unconfirmed
        "Đường Lê Huân, Huế",
        IMPERIAL_HOURS,
        False,
        parent="dai-noi",
    ),
    AttractionSeed(
        "lang-gia-long",
        AttractionCategory.ROYAL_TOMB,
        _tomb("Gia Long", "嘉隆", "嘉隆", "자롱"),
        _tomb_description("Gia Long"),
        16.3650,  # unconfirmed
        107.5980,  # unconfirmed
        "Hương Thọ, Huế",
        DAY_HOURS,
        False,
        alternate_names=("Thiên Thọ Lăng", "Gia Long Tomb"),
        accessibility=STEPS,
    ),
    AttractionSeed(
        "lang-minh-mang",
        AttractionCategory.ROYAL_TOMB,
        _tomb("Minh Mạng", "明命", "明命", "민망"),
        _tomb_description("Minh Mạng"),
        16.3870,
        107.5700,
        "Hương Thọ, Huế",
        DAY_HOURS,
        False,
        alternate_names=("Hiếu Lăng", "Minh Mang Tomb", "Minh Mang Mausoleum"),
        place="lang-minh-mang",
        accessibility=STEPS,
        audio=True,
    ),
    AttractionSeed(
        "lang-thieu-tri",
        AttractionCategory.ROYAL_TOMB,
        _tomb("Thiệu Trị", "绍治", "紹治", "티에우찌"),
        _tomb_description("Thiệu Trị"),
        16.4290,  # unconfirmed
        107.5560,  # unconfirmed
        "Thủy Bằng, Huế",
        DAY_HOURS,
        False,
        alternate_names=("Xương Lăng", "Thieu Tri Tomb"),
    ),
    AttractionSeed(
        "lang-tu-duc",
        AttractionCategory.ROYAL_TOMB,
        _tomb("Tự Đức", "嗣德", "嗣徳", "뜨득"),
        _tomb_description("Tự Đức"),
        16.4330,
        107.5650,
        "Lê Ngô Cát, Thủy Xuân, Huế",
        DAY_HOURS,
        False,
        alternate_names=("Khiêm Lăng", "Tu Duc Tomb"),
        place="lang-tu-duc",
        accessibility=STEPS,
        audio=True,
    ),
    AttractionSeed(
        "lang-dong-khanh",
        AttractionCategory.ROYAL_TOMB,
        _tomb("Đồng Khánh", "同庆", "同慶", "동카인"),
        _tomb_description("Đồng Khánh"),
        16.4345,  # unconfirmed
        107.5600,  # unconfirmed
        "Thủy Xuân, Huế",
        DAY_HOURS,
        False,
        alternate_names=("Tư Lăng", "Dong Khanh Tomb"),
    ),
    AttractionSeed(
        "lang-khai-dinh",
        AttractionCategory.ROYAL_TOMB,
        _tomb("Khải Định", "启定", "啓定", "카이딘"),
        _tomb_description("Khải Định"),
        16.3990,
        107.5905,
        "Khải Định, Thủy Bằng, Huế",
        DAY_HOURS,
        False,
        alternate_names=("Ứng Lăng", "Khai Dinh Tomb"),
        place="lang-khai-dinh",
        accessibility=STEPS,
    ),
    AttractionSeed(
        "chua-thien-mu",
        AttractionCategory.PAGODA,
        six(
            "Chùa Thiên Mụ",
            "Thiên Mụ Pagoda",
            "Pagode Thiên Mụ",
            "티엔무 사원",
            "天姥寺",
            "ティエンムー寺",
        ),
        six(
            "Ngôi chùa cổ bên sông Hương với tháp Phước Duyên bảy tầng, dựng năm 1601.",
            "The old pagoda on the Perfume River with the seven-storey Phước Duyên tower, "
            "founded in 1601.",
            "Pagode ancienne au bord de la rivière des Parfums, fondée en 1601.",
            "1601년에 세워진 흐엉강 변의 오래된 사원으로 7층 탑이 있습니다.",
            "建于1601年的香江畔古寺，有七层福缘塔。",
            "1601年創建の香江沿いの古寺で、七層の塔があります。",
        ),
        16.4536,
        107.5448,
        "Nguyễn Phúc Nguyên, Kim Long, Huế",
        "Mo-Su 08:00-17:00",  # unconfirmed
        True,
        alternate_names=("Chùa Linh Mụ", "Thien Mu Pagoda"),
        place="chua-thien-mu",
    ),
    AttractionSeed(
        "ho-quyen",
        AttractionCategory.IMPERIAL_MONUMENT,
        six(
            "Hổ Quyền",
            "Hổ Quyền Royal Arena",
            "Arène royale Hổ Quyền",
            "호권 투기장",
            "虎圈",
            "虎圏",
        ),
        six(
            "Đấu trường voi và hổ của triều Nguyễn, xây năm 1830.",
            "The Nguyễn dynasty's arena for fights between elephants and tigers, built in 1830.",
            "L’arène des combats d’éléphants et de tigres des Nguyễn, bâtie en 1830.",
            "1830년에 지어진 코끼리와 호랑이 싸움 경기장입니다.",
            "阮朝建于1830年的象虎格斗场。",
            "1830年に建てられた象と虎の闘技場です。",
        ),
        16.4395,  # unconfirmed
        107.5560,  # unconfirmed
        "Thủy Biều, Huế",
        None,
        False,
        alternate_names=("Ho Quyen Arena", "Tiger Arena"),
    ),
    AttractionSeed(
        "van-mieu",
        AttractionCategory.IMPERIAL_MONUMENT,
        six(
            "Văn Miếu Huế",
            "Temple of Literature of Huế",
            "Temple de la Littérature de Hué",
            "후에 문묘",
            "顺化文庙",
            "フエ文廟",
        ),
        six(
            "Nơi thờ Khổng Tử và lưu bia tiến sĩ triều Nguyễn, bên bờ sông Hương.",
            "The temple of Confucius with the doctoral steles of the Nguyễn dynasty, by the "
            "Perfume River.",
            "Temple de Confucius et stèles des docteurs des Nguyễn, au bord de la rivière.",
            "공자를 모시고 응우옌 왕조의 진사비가 있는 사당입니다.",
            "供奉孔子并保存阮朝进士碑的文庙。",
            "孔子を祀り阮朝の進士碑が残る文廟です。",
        ),
        16.4505,  # unconfirmed
        107.5300,  # unconfirmed
        "Hương Hồ, Huế",
        None,
        False,
        alternate_names=("Van Mieu", "Temple of Literature"),
    ),
    AttractionSeed(
        "cau-truong-tien",
        AttractionCategory.BRIDGE,
        six(
            "Cầu Trường Tiền",
            "Trường Tiền Bridge",
            "Pont Trường Tiền",
            "쯔엉띠엔 다리",
            "长钱桥",
            "チャンティエン橋",
        ),
        six(
            "Cây cầu thép sáu nhịp bắc qua sông Hương, lên đèn mỗi tối.",
            "The steel bridge of six spans over the Perfume River, lit every evening.",
            "Le pont d’acier à six travées sur la rivière des Parfums, illuminé le soir.",
            "흐엉강을 가로지르는 여섯 경간의 철교로 매일 밤 조명이 켜집니다.",
            "横跨香江的六孔钢桥，每晚亮灯。",
            "香江に架かる六径間の鉄橋で、毎晩ライトアップされます。",
        ),
        16.4695,
        107.5905,
        "Lê Lợi, Huế",
        "24/7",
        True,
        alternate_names=("Truong Tien Bridge", "Cầu Tràng Tiền"),
    ),
    AttractionSeed(
        "cho-dong-ba",
        AttractionCategory.MARKET,
        six(
            "Chợ Đông Ba", "Đông Ba Market", "Marché Đông Ba", "동바 시장", "东巴市场", "ドンバ市場"
        ),
        six(
            "Chợ lớn nhất Huế, nổi tiếng với mè xửng, nón lá và đặc sản.",
            "Huế's largest market, known for sesame candy, conical hats and local food.",
            "Le plus grand marché de Hué, connu pour ses chapeaux coniques et spécialités.",
            "후에 최대의 시장으로 논라와 특산물로 유명합니다.",
            "顺化最大的市场，以斗笠和特产闻名。",
            "フエ最大の市場で、ノンラーや名物で知られます。",
        ),
        16.4725,
        107.5882,
        "Trần Hưng Đạo, Huế",
        "Mo-Su 06:00-20:00",  # unconfirmed
        True,
        alternate_names=("Dong Ba Market",),
    ),
)


@dataclass(frozen=True)
class OfferSeed:
    slug: str
    name: dict[str, str]
    sites: tuple[str, ...]
    prices: dict[str, int]
    valid_from: date
    valid_through: date | None = None
    valid_days: int = 1
    citizens_only: bool = False
    on_dates: tuple[str, ...] = ()
    unconfirmed: bool = False


def _single(slug: str, name: str, adult: int, child: int, **kw: object) -> OfferSeed:
    return OfferSeed(
        f"ticket-{slug}",
        {"vi": f"Vé {name}", "en": f"Ticket: {name}"},
        (slug,),
        {"adult": adult, "child": child},
        date(2025, 1, 1),
        **kw,  # type: ignore[arg-type]
    )


PAID_SITES = (
    "dai-noi",
    "lang-minh-mang",
    "lang-tu-duc",
    "lang-khai-dinh",
    "lang-thieu-tri",
    "lang-dong-khanh",
    "lang-gia-long",
)
OFFERS: tuple[OfferSeed, ...] = (
    _single("dai-noi", "Đại Nội", 200_000, 40_000),
    _single("lang-minh-mang", "Lăng Minh Mạng", 150_000, 30_000),
    _single("lang-tu-duc", "Lăng Tự Đức", 150_000, 30_000),
    _single("lang-khai-dinh", "Lăng Khải Định", 150_000, 30_000),
    _single("lang-thieu-tri", "Lăng Thiệu Trị", 50_000, 0),
    _single("lang-dong-khanh", "Lăng Đồng Khánh", 50_000, 0, unconfirmed=True),
    _single("lang-gia-long", "Lăng Gia Long", 150_000, 30_000, unconfirmed=True),
    OfferSeed(
        "combo-4-sites",
        {"vi": "Vé combo 4 điểm", "en": "4-site combo ticket"},
        ("dai-noi", "lang-minh-mang", "lang-tu-duc", "lang-khai-dinh"),
        {"adult": 530_000, "child": 100_000},
        date(2026, 1, 1),
        date(2026, 12, 31),
        valid_days=2,  # unconfirmed: the sources do not say how long it lasts
    ),
    OfferSeed(
        "combo-all-sites",
        {"vi": "Vé combo tất cả điểm", "en": "All-sites combo ticket"},
        PAID_SITES,
        {"adult": 600_000, "child": 120_000},
        date(2026, 1, 1),
        date(2026, 12, 31),
        valid_days=5,
    ),
    OfferSeed(
        "free-days-citizens",
        {"vi": "Miễn phí cho công dân Việt Nam", "en": "Free entry for Vietnamese citizens"},
        PAID_SITES,
        {"adult": 0, "child": 0},
        date(2026, 1, 1),
        citizens_only=True,
        # First day of Tết, 26 March, 19 August, 2 September, 23 November.
        on_dates=(
            "2026-02-17",
            "2026-03-26",
            "2026-08-19",
            "2026-09-02",
            "2026-11-23",
            "2027-02-06",
            "2027-03-26",
            "2027-08-19",
            "2027-09-02",
            "2027-11-23",
        ),
    ),
)


@dataclass(frozen=True)
class EventSeed:
    slug: str
    category: EventCategory
    name: dict[str, str]
    description: dict[str, str]
    # Local (Asia/Ho_Chi_Minh) times, ISO.
    starts: str
    ends: str
    parent: str | None = None
    venue: str | None = None
    free: bool = True


def _season(vi: str, en: str, fr: str, ko: str, zh: str, ja: str) -> dict[str, str]:
    return six(vi, en, fr, ko, zh, ja)


FESTIVAL_DESCRIPTION = six(
    "Festival Huế 2026: khoảng 80 sự kiện trong bốn mùa lễ hội.",
    "Huế Festival 2026: about 80 events over four festival seasons.",
    "Festival de Hué 2026 : environ 80 événements en quatre saisons.",
    "후에 페스티벌 2026: 네 계절에 걸친 약 80개의 행사.",
    "2026顺化文化节：四个季节约80场活动。",
    "フエ・フェスティバル2026：四季にわたる約80のイベント。",
)

EVENTS: tuple[EventSeed, ...] = (
    EventSeed(
        "festival-hue-2026",
        EventCategory.FESTIVAL,
        six(
            "Festival Huế 2026",
            "Huế Festival 2026",
            "Festival de Hué 2026",
            "후에 페스티벌 2026",
            "2026顺化文化节",
            "フエ・フェスティバル2026",
        ),
        FESTIVAL_DESCRIPTION,
        "2026-01-01T00:00",
        "2026-12-31T23:59",
    ),
    EventSeed(
        "festival-2026-spring",
        EventCategory.SEASON,
        _season(
            "Mùa Xuân: lễ hội cung đình",
            "Spring: royal rituals",
            "Printemps : rites royaux",
            "봄: 궁중 의례",
            "春季：宫廷礼仪",
            "春：宮廷儀式",
        ),
        FESTIVAL_DESCRIPTION,
        "2026-01-01T00:00",
        "2026-03-31T23:59",
        parent="festival-hue-2026",
    ),
    EventSeed(
        "festival-2026-week",
        EventCategory.SEASON,
        _season(
            "Mùa Hạ: Tuần lễ Festival",
            "Summer: Festival Week",
            "Été : semaine du festival",
            "여름: 페스티벌 주간",
            "夏季：文化节周",
            "夏：フェスティバル週間",
        ),
        FESTIVAL_DESCRIPTION,
        "2026-04-01T00:00",
        "2026-06-30T23:59",
        parent="festival-hue-2026",
    ),
    EventSeed(
        "festival-2026-autumn",
        EventCategory.SEASON,
        _season(
            "Mùa Thu: lễ hội đèn lồng",
            "Autumn: lantern festival",
            "Automne : fête des lanternes",
            "가을: 등불 축제",
            "秋季：灯笼节",
            "秋：灯籠祭り",
        ),
        FESTIVAL_DESCRIPTION,
        "2026-07-01T00:00",
        "2026-09-30T23:59",
        parent="festival-hue-2026",
    ),
    EventSeed(
        "festival-2026-winter",
        EventCategory.SEASON,
        _season(
            "Mùa Đông: âm nhạc và đếm ngược",
            "Winter: music and countdown",
            "Hiver : musique et compte à rebours",
            "겨울: 음악과 카운트다운",
            "冬季：音乐与倒计时",
            "冬：音楽とカウントダウン",
        ),
        FESTIVAL_DESCRIPTION,
        "2026-10-01T00:00",
        "2026-12-31T23:59",
        parent="festival-hue-2026",
    ),
    EventSeed(
        "le-te-nam-giao-2026",
        EventCategory.RITUAL,
        six(
            "Tái hiện Lễ tế Nam Giao",
            "Nam Giao Offering re-enactment",
            "Reconstitution du sacrifice de Nam Giao",
            "남자오 제례 재현",
            "南郊祭天大典再现",
            "南郊祭の再現",
        ),
        FESTIVAL_DESCRIPTION,
        "2026-03-14T06:00",  # unconfirmed: illustrative date
        "2026-03-14T10:00",  # unconfirmed
        parent="festival-2026-spring",
    ),
    EventSeed(
        "dem-hoang-cung-2026",
        EventCategory.PERFORMANCE,
        six(
            "Đêm Hoàng cung",
            "Royal Palace Night",
            "Nuit au palais royal",
            "황궁의 밤",
            "皇宫之夜",
            "王宮の夜",
        ),
        FESTIVAL_DESCRIPTION,
        "2026-06-12T19:00",  # unconfirmed: illustrative date
        "2026-06-12T21:30",  # unconfirmed
        parent="festival-2026-week",
        venue="dai-noi",
        free=False,
    ),
    EventSeed(
        "den-long-song-huong-2026",
        EventCategory.PERFORMANCE,
        six(
            "Thả đèn hoa đăng sông Hương",
            "Lanterns on the Perfume River",
            "Lanternes sur la rivière des Parfums",
            "흐엉강 등불 띄우기",
            "香江放河灯",
            "香江の灯籠流し",
        ),
        FESTIVAL_DESCRIPTION,
        "2026-08-27T19:00",  # unconfirmed: illustrative date
        "2026-08-27T22:00",  # unconfirmed
        parent="festival-2026-autumn",
        venue="cau-truong-tien",
    ),
    EventSeed(
        "dem-nhac-mua-dong-2026",
        EventCategory.PERFORMANCE,
        six(
            "Đêm nhạc mùa đông",
            "Winter music night",
            "Soirée musicale d'hiver",
            "겨울 음악의 밤",
            "冬季音乐之夜",
            "冬の音楽の夜",
        ),
        FESTIVAL_DESCRIPTION,
        "2026-12-19T19:30",  # unconfirmed: illustrative date
        "2026-12-19T22:00",  # unconfirmed
        parent="festival-2026-winter",
        venue="ngo-mon",
    ),
    EventSeed(
        "countdown-2027",
        EventCategory.PERFORMANCE,
        six(
            "Đếm ngược chào năm mới 2027",
            "New Year 2027 countdown",
            "Compte à rebours du Nouvel An 2027",
            "2027 새해 카운트다운",
            "2027新年倒计时",
            "2027年カウントダウン",
        ),
        FESTIVAL_DESCRIPTION,
        "2026-12-31T20:00",  # unconfirmed: illustrative time
        "2027-01-01T00:30",  # unconfirmed
        parent="festival-2026-winter",
        venue="ngo-mon",
    ),
)


@dataclass(frozen=True)
class ItinerarySeed:
    slug: str
    name: dict[str, str]
    description: dict[str, str]
    mode: TravelMode
    stops: tuple[tuple[str, int], ...] = field(default=())


ITINERARIES: tuple[ItinerarySeed, ...] = (
    ItinerarySeed(
        "imperial-city-half-day",
        six(
            "Nửa ngày dạo Đại Nội",
            "Imperial City half-day walk",
            "Demi-journée à pied dans la Cité impériale",
            "황성 반나절 도보 여행",
            "皇城半日步行游",
            "王宮半日散策",
        ),
        six(
            "Ngọ Môn, Đại Nội, cửa Hiển Nhơn rồi chợ Đông Ba.",
            "Meridian Gate, the Imperial City, Hiển Nhơn Gate, then Đông Ba market.",
            "Porte du Midi, Cité impériale, porte Hiển Nhơn, puis le marché Đông Ba.",
            "오문, 황성, 현년문, 그리고 동바 시장.",
            "午门、皇城、显仁门，然后东巴市场。",
            "午門、王宮、顕仁門、そしてドンバ市場。",
        ),
        TravelMode.WALK,
        (("ngo-mon", 20), ("dai-noi", 150), ("cua-hien-nhon", 10), ("cho-dong-ba", 60)),
    ),
    ItinerarySeed(
        "tombs-by-bike",
        six(
            "Một ngày đạp xe thăm lăng",
            "Royal tombs by bike",
            "Les tombeaux royaux à vélo",
            "자전거로 황릉 여행",
            "骑行游皇陵",
            "自転車で帝廟めぐり",
        ),
        six(
            "Hổ Quyền, lăng Tự Đức, Đồng Khánh, Thiệu Trị, Khải Định và Minh Mạng.",
            "Hổ Quyền, then the tombs of Tự Đức, Đồng Khánh, Thiệu Trị, Khải Định and Minh Mạng.",
            "Hổ Quyền, puis les tombeaux de Tự Đức, Đồng Khánh, Thiệu Trị, Khải Định, Minh Mạng.",
            "호권, 뜨득·동카인·티에우찌·카이딘·민망 황릉.",
            "虎圈，然后嗣德、同庆、绍治、启定、明命陵。",
            "虎圏、嗣徳・同慶・紹治・啓定・明命の各帝廟。",
        ),
        TravelMode.BICYCLE,
        (
            ("ho-quyen", 30),
            ("lang-tu-duc", 90),
            ("lang-dong-khanh", 40),
            ("lang-thieu-tri", 40),
            ("lang-khai-dinh", 60),
            ("lang-minh-mang", 90),
        ),
    ),
    ItinerarySeed(
        "perfume-river-evening",
        six(
            "Chiều tối trên sông Hương",
            "Perfume River evening",
            "Soirée sur la rivière des Parfums",
            "흐엉강의 저녁",
            "香江傍晚",
            "香江の夕べ",
        ),
        six(
            "Văn Miếu, chùa Thiên Mụ, rồi cầu Trường Tiền lên đèn và chợ Đông Ba.",
            "Văn Miếu, Thiên Mụ pagoda, then the lit Trường Tiền bridge and Đông Ba market.",
            "Văn Miếu, pagode Thiên Mụ, puis le pont Trường Tiền illuminé et le marché Đông Ba.",
            "문묘, 티엔무 사원, 조명이 켜진 쯔엉띠엔 다리와 동바 시장.",
            "文庙、天姥寺，然后亮灯的长钱桥和东巴市场。",
            "文廟、ティエンムー寺、ライトアップされた橋とドンバ市場。",
        ),
        TravelMode.BOAT,
        (("van-mieu", 30), ("chua-thien-mu", 45), ("cau-truong-tien", 30), ("cho-dong-ba", 45)),
    ),
)
