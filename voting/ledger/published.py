"""What was published about an assembly's chain, read back from where people saw it.

The opening, closing and result notices each carry one line
(`gongzhi-ledger-v2 assembly=… entries=… head=… roll=…`); the result's snapshot (and so its
PDF) carries it too. `publications()` collects every such line: from the LedgerPublication
row, from the notice as it is now and from every revision the notice ever had, and from the
certified snapshot. A rewrite of the chain that leaves any of them as it was shows up.
"""

from __future__ import annotations

import json

from django.utils.translation import gettext as _

from voting.ledger.chain import Published, parse_publications
from voting.models import AssemblyResult, LedgerPublication


def _notice_texts(notice) -> list[str]:
    """Return the notice's current body and the content of each of its revisions, as text."""
    texts = [json.dumps(list(notice.body.raw_data), ensure_ascii=False)]
    for content in notice.revisions.values_list("content", flat=True):
        texts.append(json.dumps(content, ensure_ascii=False))
    return texts


def publications(assembly) -> list[Published]:
    """Return every statement of the assembly's chain found in what was published."""
    found: list[Published] = []
    rows = LedgerPublication.objects.filter(assembly=assembly).select_related("notice")
    for row in rows:
        source = _("%(moment)s公告《%(title)s》") % {
            "moment": row.get_moment_display(),
            "title": row.notice.title,
        }
        found += parse_publications(row.line, final=row.final, source=source)
        for text in _notice_texts(row.notice):
            found += parse_publications(text, final=row.final, source=source)
    result = AssemblyResult.objects.filter(assembly=assembly).first()
    if result is not None:
        line = (result.snapshot.get("ledger") or {}).get("line", "")
        found += parse_publications(line, final=True, source=_("核定的表决结果（及其 PDF）"))
    return found
