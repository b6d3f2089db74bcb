"""factory_boy factories for the community domain, with realistic Chinese data."""

from __future__ import annotations

from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from portal.community import actions
from portal.community.choices import AreaSource, IdentityKind, UnitState
from portal.community.models import (
    Building,
    Community,
    OwnerIdentity,
    Ownership,
    SubDistrict,
    Unit,
)
from portal.community.models.register import hash_id_number

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = [
    "芳",
    "伟",
    "秀英",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀兰",
    "霞",
    "平",
]


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: SURNAMES[n % len(SURNAMES)] + GIVEN[n % len(GIVEN)])
    phone = factory.Sequence(lambda n: f"+86139{n:08d}")
    phone_verified = True
    email = factory.Sequence(lambda n: f"user{n}@example.cn")
    password = factory.PostGenerationMethodCall("set_password", "pass-1234")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class SubDistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SubDistrict
        django_get_or_create = ("name",)

    name = "阳光街道"
    city = "杭州市"
    district = "西湖区"


class CommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Community
        django_get_or_create = ("sub_district", "name")

    sub_district = factory.SubFactory(SubDistrictFactory)
    name = "和平社区"
    residents_committee = factory.LazyAttribute(lambda o: f"{o.name}居民委员会")


def make_estate(*, name: str, slug: str, community: Community | None = None, **kwargs):
    """Create an estate the way the product does: with its pages and editor groups."""
    return actions.create_estate(
        community=community or CommunityFactory(), name=name, slug=slug, **kwargs
    )


class BuildingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Building
        django_get_or_create = ("estate", "name")

    name = factory.Sequence(lambda n: f"{n + 1}栋")


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    building = factory.SubFactory(BuildingFactory)
    number = factory.Sequence(lambda n: f"{(n % 18) + 1}{(n % 4) + 1:02d}")
    floor = factory.LazyAttribute(lambda o: int(o.number[:-2]))
    exclusive_area = Decimal("89.50")
    area_source = AreaSource.REGISTERED
    state = UnitState.OWNED


class OwnerIdentityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OwnerIdentity

    kind = IdentityKind.PERSON
    name = factory.Sequence(
        lambda n: SURNAMES[(n * 7) % len(SURNAMES)] + "小" + GIVEN[n % len(GIVEN)]
    )
    mobile = factory.Sequence(lambda n: f"+86137{n:08d}")
    id_hash = factory.Sequence(lambda n: hash_id_number(f"33010619800101{n:04d}"))
    id_last4 = factory.Sequence(lambda n: f"{n:04d}")


class OwnershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ownership

    share = Decimal("1")


class WeChatAccountFactory(factory.django.DjangoModelFactory):
    """A person's WeChat binding: allauth's SocialAccount of the weixin provider."""

    class Meta:
        model = "socialaccount.SocialAccount"

    user = factory.SubFactory(UserFactory)
    provider = "weixin"
    uid = factory.Sequence(lambda n: f"oWeChatOpenId{n:012d}")
    extra_data = factory.LazyAttribute(lambda o: {"openid": o.uid, "nickname": "微信用户"})
