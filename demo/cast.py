"""The demo's cast: the estates, the named demo accounts and their roles, the units they own.

Apart from demo.district (which seeds them) so that each app's demo module can name an
account without importing the seeding that imports it.
"""

from __future__ import annotations

from dataclasses import dataclass

from portal.community.choices import RoleKind

DEMO_PASSWORD = "gongzhi-demo"

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红文辉建国志宏海燕鹏飞玲丹浩宇晨欣怡子涵梓萱俊杰雨轩"


@dataclass(frozen=True)
class EstateSpec:
    slug: str
    name: str
    community: str
    address: str
    property_company: str
    buildings: int
    floors: int
    per_floor: int
    seed: int


ESTATES = (
    EstateSpec(
        "jinxiu",
        "锦绣花园",
        "和平社区",
        "杭州市西湖区阳光路 88 号",
        "绿城物业服务集团",
        6,
        20,
        4,
        2026,
    ),
    EstateSpec(
        "cuihu",
        "翠湖苑",
        "东湖社区",
        "杭州市西湖区湖滨路 16 号",
        "滨江物业管理有限公司",
        4,
        10,
        5,
        1988,
    ),
)


@dataclass(frozen=True)
class DemoAccount:
    key: str
    name: str
    phone: str
    email: str
    role: str | None
    estate: str | None = None
    note: str = ""


ACCOUNTS = (
    DemoAccount(
        "owner",
        "王芳",
        "13800138001",
        "owner@demo.gongzhi.cn",
        RoleKind.OWNER,
        "jinxiu",
        "3栋 502 业主",
    ),
    DemoAccount(
        "owner3",
        "王建华",
        "13800138002",
        "owner3@demo.gongzhi.cn",
        RoleKind.OWNER,
        "jinxiu",
        "三套房屋的业主",
    ),
    DemoAccount(
        "tenant",
        "张敏",
        "13800138003",
        "tenant@demo.gongzhi.cn",
        RoleKind.RESIDENT,
        "jinxiu",
        "租住 3栋 502",
    ),
    DemoAccount(
        "chair",
        "陈建国",
        "13800138004",
        "chair@demo.gongzhi.cn",
        RoleKind.COMMITTEE_CHAIR,
        "jinxiu",
    ),
    DemoAccount(
        "committee",
        "刘秀英",
        "13800138005",
        "committee@demo.gongzhi.cn",
        RoleKind.COMMITTEE_MEMBER,
        "jinxiu",
    ),
    DemoAccount(
        "manager",
        "赵立新",
        "13800138006",
        "manager@demo.gongzhi.cn",
        RoleKind.PROPERTY_MANAGER,
        "jinxiu",
    ),
    DemoAccount(
        "staff", "孙志强", "13800138007", "staff@demo.gongzhi.cn", RoleKind.PROPERTY_STAFF, "jinxiu"
    ),
    DemoAccount(
        "moderator",
        "周静",
        "13800138008",
        "moderator@demo.gongzhi.cn",
        RoleKind.MODERATOR,
        "jinxiu",
    ),
    DemoAccount(
        "community",
        "吴红梅",
        "13800138009",
        "community@demo.gongzhi.cn",
        RoleKind.COMMUNITY_OFFICIAL,
        None,
        "和平社区居委会",
    ),
    DemoAccount(
        "subdistrict",
        "郑国栋",
        "13800138010",
        "subdistrict@demo.gongzhi.cn",
        RoleKind.SUBDISTRICT_OFFICIAL,
        None,
        "阳光街道办事处",
    ),
    DemoAccount(
        "owner_b",
        "马丽",
        "13800138011",
        "owner-b@demo.gongzhi.cn",
        RoleKind.OWNER,
        "cuihu",
        "翠湖苑 1栋 101 业主",
    ),
    DemoAccount(
        "chair_b",
        "黄志明",
        "13800138012",
        "chair-b@demo.gongzhi.cn",
        RoleKind.COMMITTEE_CHAIR,
        "cuihu",
    ),
    DemoAccount(
        "admin", "平台管理员", "13800138000", "admin@demo.gongzhi.cn", None, None, "站点管理员"
    ),
)

# Register rows that belong to demo accounts: (estate, building, unit) → account key.
OWNED_BY_ACCOUNT = {
    ("jinxiu", "3栋", "502"): "owner",
    ("jinxiu", "3栋", "1801"): "owner3",
    ("jinxiu", "3栋", "1802"): "owner3",
    ("jinxiu", "5栋", "101"): "owner3",
    ("cuihu", "1栋", "101"): "owner_b",
}
DEVELOPER = {"name": "杭州锦绣置业有限公司", "id": "91330100MA2A1B2C3D"}
