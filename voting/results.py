"""The results of an assembly as files (PDF, CSV, JSON) and as the result notice's body.

Everything here renders one plain-data result (`voting.tally.as_data`): the certified
snapshot once the committee has certified (so the published files are exactly what was
certified), else the live tally of the closed assembly. Texts of the law stored in the data
are Chinese msgids and are translated here, at display.

Long because: one result rendered four ways that must agree (PDF, CSV, JSON and the
notice's text); kept together so a change to one is made against the others.
"""

from __future__ import annotations

import io
import json
from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _

from portal.spreadsheets import csv_bytes
from voting.models import AssemblyPage, AssemblyResult
from voting.tally import as_data, tally

PDF_FONT = "STSong-Light"


def result_data(assembly: AssemblyPage) -> dict[str, Any]:
    """Return the certified snapshot, or the live tally of a closed assembly."""
    certified = AssemblyResult.objects.filter(assembly=assembly).first()
    if certified is not None:
        return {
            **certified.snapshot,
            "certified": {
                "at": certified.certified_at.isoformat(),
                "sha256": certified.snapshot_sha256,
            },
        }
    return {**as_data(tally(assembly)), "certified": None}


def canonical_json(data: dict[str, Any]) -> bytes:
    """Return the data as canonical JSON (sorted keys, no whitespace, UTF-8), for hashing."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


# --- words ------------------------------------------------------------------------------------


def local_time(value: str | None) -> str:
    """Return a stored ISO time as local (Asia/Shanghai) 'YYYY-MM-DD HH:MM', or ''."""
    if not value:
        return ""
    return timezone.localtime(datetime.fromisoformat(value)).strftime("%Y-%m-%d %H:%M")


def yes_no(value: bool) -> str:
    return _("是") if value else _("否")


def outcome_word(motion: dict[str, Any], *, deemed: bool = False) -> str:
    """Return 通过 / 未通过 for a resolution, or who was elected for an election."""
    if motion["kind"] == "election":
        if not motion["quorum_met"]:
            return _("参与表决未达法定比例，选举无效")
        elected = "、".join(motion["elected"]) or _("无人当选")
        text = _("当选：%(names)s") % {"names": elected}
        if motion.get("tie"):
            text += _("；%(names)s 得票相同，争夺最后 %(seats)s 个席位，待另行选举") % {
                "names": "、".join(motion["tie"]["candidates"]),
                "seats": motion["tie"]["seats"],
            }
        return text
    figures = motion["deemed"] if deemed else motion
    return _("通过") if figures["passed"] else _("未通过")


def motion_summary(motion: dict[str, Any], totals: dict[str, Any]) -> str:
    """Return one sentence with the figures of a motion (actual tally)."""
    part = motion["participating"]
    text = _(
        "参与表决专有部分面积 %(area)s ㎡（占总面积 %(area_percent)s%%），人数 %(heads)s 人"
        "（占总人数 %(heads_percent)s%%）；参与表决门槛：%(quorum)s。"
    ) % {
        "area": part["area"],
        "area_percent": part["area_percent"],
        "heads": part["heads"],
        "heads_percent": part["heads_percent"],
        "quorum": _("已达到") if motion["quorum_met"] else _("未达到"),
    }
    if motion["kind"] != "election":
        text += _(
            "同意 %(agree_area)s ㎡ / %(agree_heads)s 人，反对 %(oppose_area)s ㎡ / "
            "%(oppose_heads)s 人，弃权 %(abstain_area)s ㎡ / %(abstain_heads)s 人。"
        ) % {
            "agree_area": motion["agree"]["area"],
            "agree_heads": motion["agree"]["heads"],
            "oppose_area": motion["oppose"]["area"],
            "oppose_heads": motion["oppose"]["heads"],
            "abstain_area": motion["abstain"]["area"],
            "abstain_heads": motion["abstain"]["heads"],
        }
    return text


def deemed_summary(motion: dict[str, Any]) -> str:
    deemed = motion["deemed"]
    return _(
        "按议事规则“未参与表决视为同意多数”另行计算（不替代实际票数）：同意 %(agree_area)s ㎡ / "
        "%(agree_heads)s 人，反对 %(oppose_area)s ㎡ / %(oppose_heads)s 人，结果：%(outcome)s。"
        "%(note)s。"
    ) % {
        "agree_area": deemed["agree"]["area"],
        "agree_heads": deemed["agree"]["heads"],
        "oppose_area": deemed["oppose"]["area"],
        "oppose_heads": deemed["oppose"]["heads"],
        "outcome": outcome_word(motion, deemed=True),
        "note": _(deemed["note"]),
    }


# --- JSON -------------------------------------------------------------------------------------


def to_json(data: dict[str, Any]) -> bytes:
    """Return the result as readable JSON (UTF-8)."""
    return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")


# --- CSV --------------------------------------------------------------------------------------


def csv_header() -> list[str]:
    return [
        _("序号"),
        _("表决事项"),
        _("事项类别"),
        _("计算方式"),
        _("候选人"),
        _("参与表决面积（㎡）"),
        _("参与面积占比（%）"),
        _("参与表决人数"),
        _("参与人数占比（%）"),
        _("同意面积（㎡）"),
        _("同意人数"),
        _("反对面积（㎡）"),
        _("反对人数"),
        _("弃权面积（㎡）"),
        _("弃权人数"),
        _("达到参与表决门槛"),
        _("结果"),
        _("法律依据"),
    ]


def _csv_rows(motion: dict[str, Any]) -> list[list[Any]]:
    part = motion["participating"]
    head = [motion["number"], motion["title"], _(motion["matter_label"])]
    if motion["kind"] == "election":
        rows = [
            [
                *head,
                _("实际票数"),
                "",
                part["area"],
                part["area_percent"],
                part["heads"],
                part["heads_percent"],
                "",
                "",
                "",
                "",
                motion["abstain"]["area"],
                motion["abstain"]["heads"],
                yes_no(motion["quorum_met"]),
                outcome_word(motion),
                _(motion["legal_basis"]),
            ]
        ]
        for candidate in motion["candidates"]:
            status = (
                _("当选")
                if candidate["elected"]
                else _("得票相同，待另行选举")
                if candidate["tied"]
                else _("未当选")
            )
            rows.append(
                [
                    *head,
                    _("实际票数"),
                    candidate["name"],
                    "",
                    "",
                    "",
                    "",
                    candidate["approvals"]["area"],
                    candidate["approvals"]["heads"],
                    "",
                    "",
                    "",
                    "",
                    "",
                    status,
                    "",
                ]
            )
        return rows

    def row(figures: dict[str, Any], label: str, outcome: str) -> list[Any]:
        part = figures["participating"]
        return [
            *head,
            label,
            "",
            part["area"],
            part["area_percent"],
            part["heads"],
            part["heads_percent"],
            figures["agree"]["area"],
            figures["agree"]["heads"],
            figures["oppose"]["area"],
            figures["oppose"]["heads"],
            figures["abstain"]["area"],
            figures["abstain"]["heads"],
            yes_no(figures["quorum_met"]),
            outcome,
            _(figures["legal_basis"]),
        ]

    rows = [row(motion, _("实际票数"), outcome_word(motion))]
    if motion.get("deemed"):
        rows.append(
            row(motion["deemed"], _("视为同意多数（另列）"), outcome_word(motion, deemed=True))
        )
    return rows


def to_csv(data: dict[str, Any]) -> bytes:
    """Return the result as CSV in UTF-8 with a BOM, so Excel opens the Chinese correctly."""
    certified = data.get("certified")
    rows: list[list[Any]] = [
        [_("业主大会会议"), data["assembly"]["title"]],
        [_("小区"), data["assembly"]["estate"]],
        [_("全体业主"), _("%(area)s ㎡，%(heads)s 人") % data["totals"]],
        [_("计入的选票"), data["counted_ballots"]],
        [_("核定"), local_time(certified["at"]) if certified else _("尚未核定")],
    ]
    if data.get("ledger"):
        rows.append([_("投票账本校验行"), data["ledger"]["line"]])
    rows += [[], csv_header()]
    for motion in data["motions"]:
        rows.extend(_csv_rows(motion))
    # Titles and motion texts are typed by the committee: the one writer neutralises formulas.
    return csv_bytes(rows)


# --- PDF --------------------------------------------------------------------------------------


def _register_font() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if PDF_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(PDF_FONT))


def to_pdf(data: dict[str, Any]) -> bytes:
    """Return the result as an A4 PDF for filing, in the STSong-Light CID font (no font file)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    _register_font()
    title_style = ParagraphStyle("title", fontName=PDF_FONT, fontSize=16, leading=22)
    heading = ParagraphStyle("heading", fontName=PDF_FONT, fontSize=12, leading=18, spaceBefore=8)
    body = ParagraphStyle("body", fontName=PDF_FONT, fontSize=9.5, leading=14, wordWrap="CJK")
    small = ParagraphStyle("small", parent=body, fontSize=8, leading=11, textColor=colors.grey)

    def para(text: Any, style=body) -> Paragraph:
        return Paragraph(escape(str(text)), style)

    assembly = data["assembly"]
    story: list[Any] = [
        para(_("%(title)s 表决结果") % {"title": assembly["title"]}, title_style),
        para(assembly["estate"]),
        para(
            _("全体业主：专有部分总面积 %(area)s ㎡，共 %(heads)s 人；计入选票 %(ballots)s 张。")
            % {**data["totals"], "ballots": data["counted_ballots"]}
        ),
    ]
    certified = data.get("certified")
    story.append(
        para(
            _("业主委员会于 %(at)s 核定；结果摘要 SHA-256：%(sha)s")
            % {"at": local_time(certified["at"]), "sha": certified["sha256"]}
            if certified
            else _("尚未经业主委员会核定。"),
            small,
        )
    )
    if data.get("ledger"):
        # The chain this result was counted from, as a line anyone can check the ledger
        # against (manage.py verify_ledger --published "…"; voting/LEDGER.md).
        story.append(
            para(
                _(
                    "计票所依据的投票账本：%(entries)s 条，末端哈希 %(head)s；选民名册哈希 %(roll)s。"
                )
                % {
                    "entries": data["ledger"]["entries"],
                    "head": data["ledger"]["head"],
                    "roll": data["ledger"]["roll"] or "—",
                },
                small,
            )
        )
        story.append(para(data["ledger"]["line"], small))
    grid = TableStyle(
        [
            ("FONTNAME", (0, 0), (-1, -1), PDF_FONT),
            ("FONTSIZE", (0, 0), (-1, -1), 9),
            ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef1f4")),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ]
    )
    for motion in data["motions"]:
        story.append(
            para(
                _("%(number)s. %(title)s（%(matter)s）")
                % {
                    "number": motion["number"],
                    "title": motion["title"],
                    "matter": _(motion["matter_label"]),
                },
                heading,
            )
        )
        story.append(para(motion_summary(motion, data["totals"])))
        if motion["kind"] == "election":
            rows = [[_("候选人"), _("同意面积（㎡）"), _("同意人数"), _("结果")]]
            for candidate in motion["candidates"]:
                rows.append(
                    [
                        candidate["name"],
                        candidate["approvals"]["area"],
                        candidate["approvals"]["heads"],
                        _("当选")
                        if candidate["elected"]
                        else _("得票相同")
                        if candidate["tied"]
                        else _("未当选"),
                    ]
                )
        else:
            rows = [
                [_("表决意见"), _("面积（㎡）"), _("人数")],
                [_("同意"), motion["agree"]["area"], motion["agree"]["heads"]],
                [_("反对"), motion["oppose"]["area"], motion["oppose"]["heads"]],
                [_("弃权"), motion["abstain"]["area"], motion["abstain"]["heads"]],
            ]
        story.append(Table(rows, style=grid, hAlign="LEFT", colWidths=None))
        story.append(para(_("结果：%(outcome)s") % {"outcome": outcome_word(motion)}, heading))
        if motion.get("deemed"):
            story.append(para(deemed_summary(motion)))
        story.append(para(_(motion["legal_basis"]), small))
        story.append(Spacer(1, 4 * mm))
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=_("%(title)s 表决结果") % {"title": assembly["title"]},
        author=_("业主委员会"),
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
    )
    document.build(story)
    return buffer.getvalue()


# --- the result notice's body -------------------------------------------------------------------


def notice_body(data: dict[str, Any], *, links: dict[str, str]) -> list[tuple[str, Any]]:
    """Return StreamField blocks (heading / paragraph HTML) for the 决议公告."""
    assembly = data["assembly"]
    blocks: list[tuple[str, str]] = [
        (
            "paragraph",
            "<p>"
            + escape(
                _(
                    "%(title)s 已于 %(closed)s 结束投票。经业主委员会核定，表决结果公告如下。"
                    "全体业主专有部分总面积 %(area)s ㎡，共 %(heads)s 人。"
                )
                % {
                    "title": assembly["title"],
                    "closed": local_time(assembly["closed_at"]),
                    "area": data["totals"]["area"],
                    "heads": data["totals"]["heads"],
                }
            )
            + "</p>",
        )
    ]
    for motion in data["motions"]:
        blocks.append(
            (
                "heading",
                _("%(number)s. %(title)s：%(outcome)s")
                % {
                    "number": motion["number"],
                    "title": motion["title"],
                    "outcome": outcome_word(motion),
                },
            )
        )
        text = escape(motion_summary(motion, data["totals"]))
        if motion.get("deemed"):
            text += "<br>" + escape(deemed_summary(motion))
        text += "<br>" + escape(_(motion["legal_basis"]))
        blocks.append(("paragraph", f"<p>{text}</p>"))
    link_html = "、".join(
        f'<a href="{escape(url)}">{escape(label)}</a>' for label, url in links.items()
    )
    blocks.append(
        (
            "paragraph",
            "<p>" + escape(_("结果文件与投票账本：")) + link_html + "</p>",
        )
    )
    ledger = data.get("ledger")
    if ledger:
        blocks.append(
            (
                "key_facts",
                {
                    "title": _("计票所依据的投票账本"),
                    "facts": [
                        {"label": _("账本条目数"), "value": str(ledger["entries"])},
                        {"label": _("账本末端哈希"), "value": ledger["head"]},
                        {"label": _("选民名册哈希"), "value": ledger["roll"] or "—"},
                        {"label": _("校验行"), "value": ledger["line"]},
                    ],
                },
            )
        )
    return blocks
