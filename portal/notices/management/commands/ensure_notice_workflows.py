"""Set up the notices app for estates created before it existed (idempotent)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from portal.community.models import Estate
from portal.notices.workflows import ensure_estate_notices


class Command(BaseCommand):
    help = "为每个小区创建“业委会公告审批”流程并授予公告模板权限（可重复运行）。"

    def handle(self, *args, **options) -> None:
        for estate in Estate.objects.select_related("page"):
            workflow = ensure_estate_notices(estate)
            self.stdout.write(f"{estate.slug}: {workflow or '-'}")
