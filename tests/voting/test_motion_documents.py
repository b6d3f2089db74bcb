"""A motion's documents (the plan, the quote, the contract draft) are kept with the page: saved
with each revision, published, and shown to the owners beside the motion."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from wagtail.documents.models import Document

from tests.voting.conftest import make_assembly
from voting.models import AssemblyPage

pytestmark = pytest.mark.django_db


def test_documents_attached_to_a_motion_survive_a_revision_and_its_publication(estate_a, register):
    plan = Document.objects.create(
        title="电梯更换方案", file=ContentFile(b"%PDF-1.4\n", name="lift-plan.pdf")
    )
    now = timezone.now()
    page = AssemblyPage.objects.get(
        pk=make_assembly(
            estate_a, opens_at=now + timedelta(days=20), closes_at=now + timedelta(days=30)
        ).pk
    )
    motions = list(page.motions.all())
    motions[0].documents = [plan]
    page.motions = motions
    revision = page.save_revision()

    assert [d.pk for d in revision.as_object().motions.all()[0].documents.all()] == [plan.pk]
    revision.publish()
    stored = AssemblyPage.objects.get(pk=page.pk).motions.order_by("sort_order").first()
    assert list(stored.documents.all()) == [plan]
