"""Choices of the search domain: the kinds of content a result can be (the facets)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentKind(models.TextChoices):
    """What a result is; the search page offers one facet per kind, in this order."""

    NOTICE = "notice", _("公告")
    CONSULTATION = "consultation", _("征求意见")
    ASSEMBLY = "assembly", _("业主大会")
    KNOWLEDGE = "knowledge", _("知识库")
    DELIBERATION = "deliberation", _("议事")
    PROPOSAL = "proposal", _("业主提案")


class Ordering(models.TextChoices):
    RELEVANCE = "relevance", _("最相关")
    NEWEST = "newest", _("最新")
