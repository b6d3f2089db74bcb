"""The search index: one row per searchable object, whatever app it comes from.

The row keeps what a result shows (title, body, url, date) and what decides who may see it
(estate, visibility), beside the segmented words the backends match. The database backend
searches these rows directly (an FTS5 table on SQLite, a tsvector column on PostgreSQL, both
created in migration 0002); the Elasticsearch backend copies them into its index.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.community.choices import Party, Visibility
from search.choices import DocumentKind


class SearchDocument(models.Model):
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    kind = models.CharField(_("类型"), max_length=20, choices=DocumentKind.choices)
    estate = models.ForeignKey(
        "community.Estate",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("小区"),
        help_text=_("为空表示全街道的内容。"),
    )
    visibility = models.CharField(_("可见范围"), max_length=20, choices=Visibility.choices)
    party = models.CharField(_("发布方"), max_length=20, choices=Party.choices, blank=True)
    date = models.DateTimeField(_("日期"), null=True, blank=True)
    title = models.CharField(_("标题"), max_length=300)
    body = models.TextField(_("正文"), blank=True)
    url = models.CharField(_("网址"), max_length=500)
    segmented_title = models.TextField(blank=True)
    segmented_body = models.TextField(blank=True)
    indexed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("搜索索引条目")
        verbose_name_plural = _("搜索索引条目")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"], name="search_document_once_per_object"
            )
        ]
        indexes = [
            models.Index(fields=["visibility", "estate"], name="search_doc_audience"),
            models.Index(fields=["kind", "date"], name="search_doc_kind_date"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.title}"
