"""Chinese queries over the DEMO content, each with the pages a person would expect.

Labelled by hand from reading the demo texts (demo/knowledge.py, demo/notices.py,
demo/voting.py), not from what any engine returns. Content the reader may not open (the
other estate's) and content not in the demo are never labelled. Pages are named by their titles; a motion
is named by its own title (its document title adds the meeting's name in brackets).
The reader is 王芳, a verified owner of 锦绣花园, who may open all of it.
"""

from __future__ import annotations

import re

# Today's notices of 锦绣花园 (demo/notices.py CURRENT)
N_WATER = "3栋二次供水水箱清洗停水通知"
N_LIFT = "1栋 2号电梯更换钢丝绳施工通知"
N_FEES = "2026 年第三季度物业费收支公示"
N_FIRE = "冬季消防安全检查通知"
N_THROWING = "温馨提示：请勿高空抛物"
N_MEETING = "关于召开 2026 年第二次业主大会会议的公告"
# A year of past notices (HISTORY_TOPICS): several of each, named without building and date
H_WATER = "停水通知"
H_POWER = "停电检修通知"
H_WALL = "外墙渗水维修施工通知"
H_GARAGE = "地下车库照明改造通知"
H_FEES = "物业费收支季度公示"
H_TYPHOON = "防台防汛温馨提示"
H_COMMITTEE = "业委会例会纪要公示"
H_EBIKE = "电动自行车充电安全提示"
# Knowledge
K_RIGHTS = "业主的权利和义务：民法典第二百七十一条至第二百八十七条解读"
K_VOTING = "业主大会怎样表决：参与门槛、通过比例和“双过半”"
K_FUND = "专项维修资金：怎么用、怎么筹、怎么查"
K_FEES = "物业费和公共收益公示：业主有权知道钱花在哪里"
K_ISSUES = "如何反映问题：报修、投诉、建议，多久能得到回应"
K_FAQ = "业主常见问题"
K_COVENANT = "锦绣花园管理规约（摘要）"
K_RULES = "锦绣花园业主大会议事规则（摘要）"
K_LIFT = "锦绣花园电梯维修与更新：流程和分摊"
# Discussion threads of the demo (demo/deliberation.py), members-only
D_ROOF = "3栋顶楼屋面漏水"
D_LIFT3 = "3栋 2 号电梯频繁停运"
# The assembly meeting and its motions
A_MEETING = "锦绣花园2026年第二次业主大会会议"
M_FUND = "关于使用专项维修资金更换3栋、4栋电梯的议案"
M_COVENANT = "关于修订《锦绣花园管理规约》的议案"
M_ELECTION = "选举第二届业主委员会委员"
M_RENEWAL = "关于续聘绿城物业服务集团的议案"
M_CHARGING = "关于在地下车库公共区域建设充电桩的议案"

LABELLED_QUERIES: dict[str, set[str]] = {
    "维修资金": {K_FUND, M_FUND, N_MEETING, K_LIFT, K_FAQ},
    "业委会怎么选": {M_ELECTION},
    "停水": {N_WATER, H_WATER},
    "电梯维修": {N_LIFT, K_LIFT, K_FUND},
    "物业费公示": {N_FEES, H_FEES, K_FEES},
    "管理规约": {K_COVENANT, M_COVENANT},
    "投票门槛": {K_VOTING},
    # Anything about building 3: today's and past notices scoped to it, its threads.
    "3号楼": {N_WATER, M_FUND, N_MEETING, H_WATER, H_POWER, H_TYPHOON, D_ROOF, D_LIFT3},
    "电梯": {N_LIFT, K_LIFT, M_FUND, N_MEETING},
    "停电": {H_POWER},
    "业主大会": {A_MEETING, N_MEETING, K_VOTING, K_RULES},
    "议事规则": {K_RULES},
    "换届选举": {M_ELECTION},
    "消防检查": {N_FIRE},
    "消防通道": {N_FIRE, K_COVENANT},
    "高空抛物": {N_THROWING, K_COVENANT},
    "充电桩": {M_CHARGING},
    "电动车充电": {N_FIRE, H_EBIKE},
    "公共收益": {N_FEES, K_FEES},
    "租户能投票吗": {K_FAQ, K_VOTING},
    "三套房算几票": {K_FAQ},
    "弃权算不算参与表决": {K_FAQ, K_VOTING},
    "续聘物业": {M_RENEWAL},
    "选聘物业服务企业": {K_RIGHTS, K_VOTING},
    "业主委员会": {M_ELECTION, K_RULES, K_RIGHTS},
    "报修": {K_ISSUES},
    "投诉多久回应": {K_ISSUES},
    "宠物": {K_COVENANT},
    "装修时间": {K_COVENANT},
    "停车": {K_COVENANT},
    "民法典第二百七十八条": {K_RIGHTS, K_VOTING, N_MEETING},
    "共有部分": {K_RIGHTS},
    "双过半": {K_VOTING},
    "四分之三": {K_VOTING, K_FUND},
    "紧急情况使用维修资金": {K_FUND},
    "维修资金怎么申请": {K_FUND, K_FAQ, K_LIFT},
    "二次供水": {N_WATER},
    "业委会例会": {H_COMMITTEE},
    "物业费": {N_FEES, H_FEES, K_FEES},
    "电梯广告收入": {N_FEES, K_FEES},
    "回执码": {K_FAQ, K_VOTING},
    "手机号认证": {K_FAQ},
    "外墙渗水": {H_WALL},
    "电梯维保": {N_LIFT},
    "台风": {H_TYPHOON},
    "lift": {N_LIFT, K_LIFT, M_FUND, N_MEETING},
    "业主大会会议通知": {N_MEETING, A_MEETING},
    # A word the dictionary keeps whole, written apart in the FAQ (委托他人投票).
    "委托投票": {K_RULES, K_FAQ},
    "筹集维修资金": {K_FUND, K_VOTING},
    "地下车库照明": {H_GARAGE},
}


def page_title(document_title: str) -> str:
    """Return the labelled name of a result.

    A motion's title without the meeting's name; a past notice's without its building and
    date ("3栋停水通知（03月05日）" → "停水通知").
    """
    title = document_title.split("（" + A_MEETING)[0]
    past = re.fullmatch(r"(?:\d+栋)?(.+)（\d+月\d+日）", title)
    return past.group(1) if past else title


def recall_at(found: list[str], expected: set[str], k: int = 10) -> float:
    top = {page_title(title) for title in found[:k]}
    return len(top & expected) / len(expected)
