"""Demo bureaus and people: Meizhou and its eight county-level units."""

from __future__ import annotations

from sqlalchemy import select

from lianbing.accounts import services
from lianbing.accounts.models import LEVEL_CITY, LEVEL_COUNTY, User
from lianbing.extensions import db

DEMO_PASSWORD = "lianbing-demo"

CITY = ("梅州市生态环境局", "梅州市", "441400")
COUNTIES = [
    ("梅州市生态环境局梅江分局", "梅江区", "441402"),
    ("梅州市生态环境局梅县分局", "梅县区", "441403"),
    ("梅州市生态环境局大埔分局", "大埔县", "441422"),
    ("梅州市生态环境局丰顺分局", "丰顺县", "441423"),
    ("梅州市生态环境局五华分局", "五华县", "441424"),
    ("梅州市生态环境局平远分局", "平远县", "441426"),
    ("梅州市生态环境局蕉岭分局", "蕉岭县", "441427"),
    ("梅州市生态环境局兴宁分局", "兴宁市", "441481"),
]
SURNAMES = "李王张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董"
GIVEN = [
    "建华",
    "志强",
    "丽娟",
    "国平",
    "晓东",
    "海燕",
    "振宇",
    "文杰",
    "秀英",
    "伟明",
    "春梅",
    "永红",
    "家辉",
    "美玲",
    "俊峰",
    "淑芬",
    "德胜",
    "雪琴",
    "子豪",
    "嘉欣",
]


def _name(i: int) -> str:
    """The i-th demo name: distinct for the first 140 (the least common multiple of 35 surnames
    and 20 given names), so no name appears twice, in one county or in two."""
    return SURNAMES[i % len(SURNAMES)] + GIVEN[(i * 3) % len(GIVEN)]


def _ensure_user(
    username: str, display_name: str, role: str, bureau_id: int, cert_no: str | None = None
) -> User:
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        user = services.create_user(
            services.UserData(
                username=username,
                display_name=display_name,
                role=role,
                bureau_id=bureau_id,
                cert_no=cert_no,
                phone=None,
                password=DEMO_PASSWORD,
            )
        )
    return user


def load_bureaus() -> list:
    """The city bureau and its eight county-level bureaus (no people): real data, not demo."""
    city = services.ensure_bureau(*CITY, LEVEL_CITY, None)
    return [city] + [
        services.ensure_bureau(name, short, code, LEVEL_COUNTY, city.id)
        for name, short, code in COUNTIES
    ]


def load() -> None:
    """Bureaus, a city admin, a trainer, a bureau admin and five officers per county."""
    city, *counties = load_bureaus()
    _ensure_user("city_admin", "市局管理员", "city_admin", city.id)
    _ensure_user("trainer", "法制科培训员", "trainer", city.id)
    counter = 0
    for county in counties:
        code, short = county.code, county.short_name
        _ensure_user(f"admin_{code}", f"{short}管理员", "bureau_admin", county.id)
        for n in range(1, 6):
            counter += 1
            _ensure_user(
                f"officer_{code}_{n}",
                _name(counter),
                "officer",
                county.id,
                cert_no=f"{code}{n:04d}",
            )
