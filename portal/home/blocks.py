"""StreamField blocks shared by every page body."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.contrib.table_block.blocks import TableBlock
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageBlock


class KeyFactBlock(blocks.StructBlock):
    label = blocks.CharBlock(label=_("项目"), max_length=40)
    value = blocks.CharBlock(label=_("内容"), max_length=200)


class KeyFactsBlock(blocks.StructBlock):
    """A highlighted box of the facts a reader needs at a glance (when, where, who to call)."""

    title = blocks.CharBlock(label=_("标题"), required=False, default=_("要点"))
    facts = blocks.ListBlock(KeyFactBlock(), label=_("要点"))

    class Meta:
        icon = "warning"
        label = _("要点提示框")
        template = "components/blocks/key_facts.html"


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("文件"))
    caption = blocks.CharBlock(label=_("说明"), required=False)

    class Meta:
        icon = "doc-full"
        label = _("附件")
        template = "components/blocks/document.html"


class BodyBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(
        label=_("小标题"), form_classname="title", template="components/blocks/heading.html"
    )
    paragraph = blocks.RichTextBlock(
        label=_("正文"),
        features=["bold", "italic", "ol", "ul", "link", "document-link", "hr"],
    )
    key_facts = KeyFactsBlock()
    table = TableBlock(label=_("表格"), template="components/blocks/table.html")
    image = ImageBlock(label=_("图片"))
    document = DocumentBlock()

    class Meta:
        block_counts = {}
