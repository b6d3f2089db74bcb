"""The knowledge base: a district-wide index for laws and guides, and one per estate."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.snippets.models import register_snippet

from portal.home.blocks import BodyBlock
from portal.home.mixins import AnonymousCacheMixin, SectionIndexMixin, VisibilityMixin
from portal.home.visibility import filter_visible_pages, may_view_page


@register_snippet
class KnowledgeCategory(models.Model):
    name = models.CharField(_("名称"), max_length=40, unique=True)
    slug = models.SlugField(_("网址标识"), max_length=40, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("sort_order")]

    class Meta:
        verbose_name = _("知识分类")
        verbose_name_plural = _("知识分类")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class KnowledgeIndexPage(AnonymousCacheMixin, SectionIndexMixin, Page):
    """The knowledge base of an estate, or of the whole district under the home page."""

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    settings_panels = [*Page.settings_panels, *VisibilityMixin.visibility_panels]
    parent_page_types = ["home.EstatePage", "home.HomePage"]
    subpage_types = ["knowledge.ArticlePage", "knowledge.FAQPage", "home.StandardPage"]
    template = "knowledge/knowledge_index_page.html"

    class Meta:
        verbose_name = _("知识库")

    def get_context(self, request, *args, **kwargs):
        from django.core.paginator import Paginator

        context = super().get_context(request, *args, **kwargs)
        categories = list(KnowledgeCategory.objects.all())
        category = next((c for c in categories if c.slug == request.GET.get("category")), None)
        tag = request.GET.get("tag", "").strip()
        items = self.visible_children(request)
        if category is not None:
            items = [p for p in items if getattr(p, "category_id", None) == category.pk]
        if tag:
            tagged = set(
                ArticlePage.objects.child_of(self)
                .filter(tags__name=tag)
                .values_list("id", flat=True)
            )
            items = [p for p in items if p.pk in tagged]
        context.update(
            items=Paginator(items, self.per_page).get_page(request.GET.get("page")),
            categories=categories,
            active_category=category,
            active_tag=tag,
        )
        return context

    def visible_children(self, request):
        children = Page.objects.child_of(self).live().specific().order_by("title")
        return filter_visible_pages(children, request.user, self.page_estate)


class ArticleTag(TaggedItemBase):
    content_object = ParentalKey(
        "knowledge.ArticlePage", related_name="tagged_items", on_delete=models.CASCADE
    )


class ArticlePage(AnonymousCacheMixin, VisibilityMixin, Page):
    """A knowledge article: a law explained, a guide, a rule of the estate."""

    category = models.ForeignKey(
        KnowledgeCategory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("分类"),
    )
    summary = models.CharField(_("摘要"), max_length=240, blank=True)
    body = StreamField(BodyBlock(), verbose_name=_("正文"))
    last_reviewed = models.DateField(
        _("最近审核日期"),
        null=True,
        blank=True,
        help_text=_("法律和规则会变，请定期核对并更新此日期。"),
    )
    tags = ClusterTaggableManager(through=ArticleTag, blank=True, verbose_name=_("标签"))
    related_pages = models.ManyToManyField(
        "wagtailcore.Page", blank=True, related_name="+", verbose_name=_("相关文章")
    )

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [FieldPanel("category"), FieldPanel("tags"), FieldPanel("summary")],
            heading=_("分类与摘要"),
        ),
        FieldPanel("body"),
        FieldPanel("last_reviewed"),
        FieldPanel("related_pages"),
    ]
    settings_panels = [*Page.settings_panels, *VisibilityMixin.visibility_panels]
    parent_page_types = ["knowledge.KnowledgeIndexPage"]
    subpage_types: list[str] = []
    template = "knowledge/article_page.html"

    class Meta:
        verbose_name = _("知识文章")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        related = [
            p for p in self.related_pages.live().specific() if may_view_page(request.user, p)
        ]
        context["related"] = related
        context["feedback"] = ArticleFeedback.summary_for(self)
        if request.user.is_authenticated:
            context["my_feedback"] = ArticleFeedback.objects.filter(
                page=self, user=request.user
            ).first()
        return context


class FAQBlock(blocks.StructBlock):
    question = blocks.CharBlock(label=_("问题"), max_length=200)
    answer = blocks.RichTextBlock(label=_("回答"), features=["bold", "ol", "ul", "link"])

    class Meta:
        icon = "help"
        label = _("问答")


class FAQPage(AnonymousCacheMixin, VisibilityMixin, Page):
    """Frequently asked questions, as question/answer blocks."""

    category = models.ForeignKey(
        KnowledgeCategory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("分类"),
    )
    summary = models.CharField(_("摘要"), max_length=240, blank=True)
    questions = StreamField([("qa", FAQBlock())], verbose_name=_("问答"))
    last_reviewed = models.DateField(_("最近审核日期"), null=True, blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("category"),
        FieldPanel("summary"),
        FieldPanel("questions"),
        FieldPanel("last_reviewed"),
    ]
    settings_panels = [*Page.settings_panels, *VisibilityMixin.visibility_panels]
    parent_page_types = ["knowledge.KnowledgeIndexPage"]
    subpage_types: list[str] = []
    template = "knowledge/faq_page.html"

    class Meta:
        verbose_name = _("常见问题")


class ArticleFeedback(models.Model):
    """ "Was this helpful?": one answer per signed-in reader per page, changeable."""

    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    helpful = models.BooleanField(_("有帮助"))
    comment = models.CharField(_("补充意见"), max_length=300, blank=True)
    at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("文章反馈")
        verbose_name_plural = _("文章反馈")
        constraints = [
            models.UniqueConstraint(fields=["page", "user"], name="feedback_once_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.page_id} · {'+' if self.helpful else '-'}"

    @classmethod
    def summary_for(cls, page: Page) -> dict[str, int]:
        return cls.objects.filter(page=page).aggregate(
            yes=Count("id", filter=Q(helpful=True)), no=Count("id", filter=Q(helpful=False))
        )
