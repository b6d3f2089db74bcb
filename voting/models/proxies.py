"""Proxies (委托投票): an owner's written authorisation, approved before use."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.community.models import OwnerIdentity
from portal.community.storage import RandomName, private_storage
from voting.choices import ProxyStatus
from voting.models.assemblies import AssemblyPage


class Proxy(models.Model):
    """A written authorisation naming an agent to vote for an owner in one assembly."""

    assembly = models.ForeignKey(AssemblyPage, on_delete=models.PROTECT, related_name="proxies")
    # The grantor's register identity, not a roll entry: a proxy may be registered after the
    # notice and before the roll is frozen; at casting it must match a holder of the right.
    identity = models.ForeignKey(
        OwnerIdentity, on_delete=models.PROTECT, related_name="+", verbose_name=_("委托人业主身份")
    )
    grantor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("委托人"),
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="voting_proxies",
        verbose_name=_("受托人"),
    )
    scan = models.FileField(
        _("授权委托书扫描件"), upload_to=RandomName("voting/proxies"), storage=private_storage
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=ProxyStatus.choices, default=ProxyStatus.PENDING
    )
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decision_reason = models.CharField(_("审核意见"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("委托投票")
        verbose_name_plural = _("委托投票")
        ordering = ["-created_at"]
        constraints = [
            # One live authorisation per right: pending or approved, never two at once.
            models.UniqueConstraint(
                fields=["assembly", "identity"],
                condition=Q(status__in=["pending", "approved"]),
                name="proxy_one_live_per_right",
            )
        ]

    def __str__(self) -> str:
        return f"{self.identity} → {self.agent}"
