"""Demo disclosures and an evaluation (idempotent; called from the demo seeding).

- 锦绣花园: the four quarters before today, each imported from the XLSX template, reviewed
  and published within its 30 days; in the second, the committee queried the lift
  advertising line and the manager answered within the day.
- 翠湖苑: the last quarter, published late (after its due day).
- 锦绣花园: last year's service evaluation, completed, published and answered with a plan.
"""

from __future__ import annotations

import io
from datetime import date, datetime, time, timedelta
from decimal import Decimal as D
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.utils import timezone

from deliberation import actions as deliberation
from disclosures import actions, deadlines, evaluations
from disclosures.choices import EvaluationOccasion, ReviewDecision, ServiceArea
from disclosures.models import Disclosure, DisclosureSchedule, ServiceEvaluation
from disclosures.sheets import SHEETS
from portal.community.models import OwnerIdentity
from portal.community.phone import normalize_phone
from portal.spreadsheets import xlsx_workbook_bytes

SHANGHAI = ZoneInfo("Asia/Shanghai")
MANAGER_PHONE = "13800138006"
CHAIR_PHONE = "13800138004"
CHAIR_B_PHONE = "13800138012"
ADMIN_PHONE = "13800138000"


def _user(phone: str):
    return get_user_model().objects.filter(phone=normalize_phone(phone)).first()


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=SHANGHAI)


def quarter_workbook(start: date, end: date, n: int, *, fund_opening: D) -> tuple[io.BytesIO, D]:
    """Return the template filled for one quarter (figures vary by quarter n) and the closing
    balance of the maintenance fund."""
    advertising = D("12000.00") - D("2500.00") * (n == 1)  # the queried quarter fell
    parking = D("28000.00") + D("1500.00") * n
    receivable = D("1263000.00")
    received = receivable * (D("0.90") + D("0.01") * n)
    interest = (fund_opening * D("0.003")).quantize(D("0.01"))
    use = D("86000.00") if n == 2 else D("0")
    closing = fund_opening + interest - use
    fund = [["期初余额", None, None, None, fund_opening], ["利息", interest, None, None, None]]
    if use:
        fund.append(["3栋两部电梯更换", None, use, "2026年第一次业主大会第2项表决事项", None])
    fund.append(["期末余额", None, None, None, closing])
    income = [
        ["电梯广告", advertising, D("1200.00"), advertising - D("1200.00")],
        ["公共道路停车", parking, D("8400.00"), parking - D("8400.00")],
        ["会所场地出租", D("3600.00"), D("0.00"), D("3600.00")],
    ]
    totals = [sum((r[i] for r in income), D("0")) for i in (1, 2, 3)]
    sheets = {
        "服务事项": [
            ["秩序维护", "王队长", "24 小时门岗，每 2 小时巡逻一次"],
            ["保洁", "李主管", "公共区域每日清扫两次，垃圾日产日清"],
            ["绿化", "张师傅", "草坪每月修剪，乔木每年修剪一次"],
            ["维修", "刘工", "报修 30 分钟内响应，一般维修 24 小时内完成"],
            ["客服", "陈主管", "工作日 8:30–18:00 前台接待，24 小时服务电话"],
        ],
        "收费项目": [
            ["物业服务费（住宅）", D("2.80"), "按建筑面积"],
            ["物业服务费（商铺）", D("4.50"), "按建筑面积"],
            ["地下车位管理费", D("80.00"), "每个每月"],
        ],
        "物业费收缴": [["物业服务费", receivable, received], ["合计", receivable, received]],
        "共有部分经营收益": [*income, ["合计", *totals]],
        "专项维修资金": fund,
    }
    data = [
        (
            "基本信息",
            [["项目", "内容"], ["期间开始", start.isoformat()], ["期间结束", end.isoformat()]],
        )
    ]
    for title, (_section, columns) in SHEETS.items():
        data.append((title, [[h for h, _f, _k in columns], *sheets[title]]))
    book = io.BytesIO(xlsx_workbook_bytes(data))
    book.name = f"{start.isoformat()}.xlsx"
    return book, closing


def _last_quarters(today: date, count: int) -> list[tuple[date, date]]:
    start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    quarters = []
    for _i in range(count):
        start = deadlines.add_months(start, -3)
        quarters.append((start, deadlines.period_end(start, 3)))
    return list(reversed(quarters))


def _review_and_publish(
    disclosure, chair, *, at: datetime, query: str = "", answerer: Any = None
) -> None:
    actions.submit_for_review(
        disclosure, disclosure.created_by or chair, now=at - timedelta(days=3)
    )
    for line in disclosure.lines.order_by("pk"):
        if query and line.label == query:
            actions.review_line(
                line,
                chair,
                decision=ReviewDecision.QUERIED,
                reason="电梯广告收入比上季度少了 2,500 元，请说明原因。",
                now=at - timedelta(days=2),
            )
            if answerer is not None:
                question = line.questions.get()
                deliberation.add_post(
                    question.thread,
                    answerer,
                    body="二号楼两部电梯的广告合同在五月到期，新合同六月起执行，所以少了一个月的收入。",
                    official=True,
                    now=at - timedelta(days=2) + timedelta(hours=5),
                )
        else:
            actions.review_line(
                line, chair, decision=ReviewDecision.CONFIRMED, now=at - timedelta(days=2)
            )
    actions.publish(disclosure, chair, now=at)


def seed_disclosures(estates: dict[str, Any], *, today: date | None = None) -> int:
    """Seed the demo disclosures and evaluation once; return how many disclosures were added."""
    today = today or timezone.localdate()
    manager, chair, chair_b, admin = (
        _user(p) for p in (MANAGER_PHONE, CHAIR_PHONE, CHAIR_B_PHONE, ADMIN_PHONE)
    )
    jinxiu, cuihu = estates.get("jinxiu"), estates.get("cuihu")
    if not (manager and chair and jinxiu):
        return 0
    added = 0
    quarters = _last_quarters(today, 4)
    DisclosureSchedule.objects.get_or_create(
        estate=jinxiu, defaults={"first_period_start": quarters[0][0]}
    )
    opening = D("1860000.00")
    for n, (start, end) in enumerate(quarters):
        book, closing = quarter_workbook(start, end, n, fund_opening=opening)
        opening = closing
        if Disclosure.objects.filter(estate=jinxiu, period_start=start).exists():
            continue
        disclosure = actions.import_disclosure(jinxiu, manager, book, file_name=book.name)
        published_at = _at(end + timedelta(days=18))
        _review_and_publish(
            disclosure,
            chair,
            at=published_at,
            query="电梯广告" if n == 1 else "",
            answerer=manager,
        )
        added += 1
    if cuihu and chair_b and admin:
        start, end = quarters[-1]
        DisclosureSchedule.objects.get_or_create(
            estate=cuihu, defaults={"first_period_start": start}
        )
        if not Disclosure.objects.filter(estate=cuihu, period_start=start).exists():
            book, _closing = quarter_workbook(start, end, 3, fund_opening=D("720000.00"))
            disclosure = actions.import_disclosure(cuihu, admin, book, file_name=book.name)
            # Published after its due day: late (逾期公开).
            _review_and_publish(
                disclosure, chair_b, at=_at(deadlines.due_date(end, 30) + timedelta(days=9))
            )
            added += 1
    seed_evaluation(jinxiu, chair=chair, manager=manager, year=today.year - 1)
    return added


def seed_evaluation(estate, *, chair, manager, year: int) -> ServiceEvaluation | None:
    """Last year's annual evaluation: answered by the estate's verified owners, published and
    answered by the company with an improvement plan."""
    if ServiceEvaluation.objects.filter(estate=estate, year=year).exists():
        return None
    opens_at = _at(date(year, 11, 1), 9)
    closes_at = _at(date(year, 11, 30), 18)
    evaluation = evaluations.open_evaluation(
        estate,
        chair,
        year=year,
        occasion=EvaluationOccasion.ANNUAL,
        opens_at=opens_at,
        closes_at=closes_at,
    )
    heads = (
        OwnerIdentity.objects.filter(estate=estate, user__isnull=False)
        .select_related("user")
        .order_by("pk")[:40]
    )
    areas = list(ServiceArea)
    for n, identity in enumerate(heads):
        # Order and repairs score lower than cleaning, greenery and customer service.
        base = (3, 4, 4, 3, 4)
        scores = {
            area.value: min(5, max(1, base[i] + (n * 7 + i) % 3 - 1))
            for i, area in enumerate(areas)
        }
        evaluations.respond(
            evaluation,
            identity.user,
            scores=scores,
            comments={ServiceArea.ORDER.value: "夜间巡逻可以再勤一些"} if n % 7 == 0 else {},
            now=opens_at + timedelta(days=1, minutes=n),
        )
    evaluations.publish_results(evaluation, chair, now=closes_at + timedelta(days=2))
    evaluations.reply(
        evaluation,
        manager,
        body="感谢各位业主的评价。秩序维护和维修的得分偏低，我们制定了以下整改计划，每月在公告栏和本站报告进度。",
        plan=[
            (date(year + 1, 3, 31), "夜间增加一次全小区巡逻，巡逻记录每周公示"),
            (date(year + 1, 6, 30), "报修响应时间缩短到 30 分钟以内"),
        ],
        now=closes_at + timedelta(days=5),
    )
    return evaluation
