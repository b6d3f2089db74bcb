"""Fixtures for joint meetings and action items: a convened meeting and items in each state."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.utils import timezone

from deliberation.oversight import actions
from deliberation.oversight.models import local_today
from portal.community.choices import Party, RoleKind
from tests.factories import UserFactory


def png_bytes(size: tuple[int, int] = (8, 8)) -> bytes:
    """Return a real PNG image (Pillow), as a phone camera's photo would be."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 60, 40)).save(buffer, format="PNG")
    return buffer.getvalue()


def photo(name: str = "roof.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def assert_database_refuses_changes(model, **rewrite) -> None:
    """Neither an UPDATE nor a DELETE written by hand gets past the append-only triggers."""
    with pytest.raises(Exception), transaction.atomic():  # noqa: B017 - backend-specific error
        model.objects.update(**rewrite)
    with (
        pytest.raises(Exception),  # noqa: B017
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"DELETE FROM {model._meta.db_table}")


@pytest.fixture
def other_community_official(community_b):
    """An official of 东湖社区: oversees 翠湖苑, not 锦绣花园."""
    user = UserFactory(display_name="钱主任")
    from portal.community import actions as community_actions

    community_actions.grant_role(user, RoleKind.COMMUNITY_OFFICIAL, community=community_b)
    return user


@pytest.fixture
def meeting(estate_a, community_official, committee_chair, property_manager):
    """A joint meeting convened by the community official for tomorrow afternoon."""
    return actions.convene_meeting(
        estate_a,
        actor=community_official,
        title="2026年第四季度三方联席会议",
        starts_at=timezone.now() + timedelta(days=1),
        place="锦绣花园会所二楼会议室",
        participants=[committee_chair, property_manager],
        attendees=[actions.Attendee("李工", "区住建局")],
        agenda=[actions.AgendaEntry("3栋屋顶漏水维修方案"), actions.AgendaEntry("地下车库照明")],
    )


@pytest.fixture
def held_meeting(meeting, community_official):
    return actions.record_minutes(
        meeting,
        actor=community_official,
        text="一、物业通报3栋屋顶漏水情况。\n\n二、三方商定本月底前完成维修。",
    )


def make_item(estate, actor, *, due: date | None = None, party: str = Party.PROPERTY, **kwargs):
    """Open an action item as `actor`, due in a week unless told."""
    kwargs.setdefault("title", "3栋屋顶防水层维修")
    return actions.create_action_item(
        estate,
        actor=actor,
        responsible_party=party,
        due_date=due or local_today() + timedelta(days=7),
        **kwargs,
    )


@pytest.fixture
def item(estate_a, committee_chair, property_manager):
    return make_item(
        estate_a,
        committee_chair,
        description="11月底前完成3栋屋顶防水层修复，并公示维修费用。",
        responsible_person=property_manager,
    )
