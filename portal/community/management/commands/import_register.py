"""manage.py import_register ESTATE_SLUG FILE: import an owner register (业主名册) from CSV/XLSX."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from portal.community.models import Estate
from portal.community.register import import_file


class Command(BaseCommand):
    help = "Import an owner register (CSV or XLSX) into an estate; all rows or none."

    def add_arguments(self, parser) -> None:
        parser.add_argument("estate_slug", help="The estate's slug, e.g. jinxiu")
        parser.add_argument("file", help="Path to a .csv or .xlsx register")

    def handle(self, *args, estate_slug: str, file: str, **options) -> None:
        estate = Estate.objects.filter(slug=estate_slug).first()
        if estate is None:
            raise CommandError(_("没有网址标识为“%(slug)s”的小区。") % {"slug": estate_slug})
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("找不到文件：%(path)s") % {"path": file})
        with path.open("rb") as fh:
            result = import_file(estate, fh, path.name, actor=None)
        if not result.ok:
            for error in result.errors:
                self.stderr.write(
                    _("第 %(row)s 行 [%(column)s]：%(message)s")
                    % {"row": error.row, "column": error.column or "-", "message": error.message}
                )
            raise CommandError(
                _("名册未导入：共 %(count)s 处错误，数据库未作任何修改。")
                % {"count": len(result.errors)}
            )
        self.stdout.write(
            _("%(estate)s 名册导入完成：新增 %(created)s，更新 %(updated)s，未变化 %(unchanged)s。")
            % {
                "estate": estate.name,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
            }
        )
