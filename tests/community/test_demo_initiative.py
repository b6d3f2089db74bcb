"""The demo shows each part of the owners' initiative in a realistic state, in both estates."""

from __future__ import annotations

import pytest

from demo import district as demo
from voting.models import RollObjection
from voting.petitions import counting
from voting.petitions.choices import PetitionState
from voting.petitions.models import Petition

pytestmark = pytest.mark.django_db


def test_demo_petitions_and_roll_objections(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        demo.seed()
    jinxiu = Petition.objects.filter(estate__slug="jinxiu").prefetch_related("events")
    states = {p.state: p for p in jinxiu}
    assert set(states) == {PetitionState.OPEN, PetitionState.ESCALATED}
    gathering = counting.progress(states[PetitionState.OPEN])
    assert gathering.signed.heads > 10 and not gathering.reached
    assert states[PetitionState.OPEN].signatures.filter(channel="paper").count() == 1
    cuihu = Petition.objects.prefetch_related("events").get(estate__slug="cuihu")
    assert cuihu.state == PetitionState.ANNOUNCED
    objections = RollObjection.objects.filter(assembly__slug="2026-second-meeting")
    assert objections.count() == 4
    assert objections.filter(decision__isnull=False).count() == 3
    corrected = objections.get(decision__correction="assign")
    assert corrected.decision.corrected_unit.ownerships.get(ended_at__isnull=True).identity == (
        corrected.identity
    )
