"""Give every legal number the portal enforces one bound, in one place, with its citation.

What the law (or the portal's stated policy) fixes, an estate's settings may tighten but never
loosen. Each setting that the law bounds has one :class:`Bound` here: the values an estate may
choose, which end of the range is the law and why. Forms, model validators, database
``CheckConstraint`` s (migrations) and help texts all read these numbers; none writes its own
``15`` or ``24`` (see ``portal/community/legal_checks.py`` for the Django side).

Direction of each bound, and why:

- Notice period (最少公告天数) ``>= 15`` days, no legal maximum. 物业管理条例 Art. 14: the
  meeting is announced to all owners at least 15 days before it is held, and the residents'
  committee is informed at the same time. Rules of procedure may ask for longer, never less.
- Result display (决议公告公示期) ``>= 15`` days (local rules, e.g. Hangzhou, Qingyuan: at least
  15 days on display); the upper end (365) only catches typing errors.
- Results published (结果公布期限) ``<= 3`` days after the close (local rules, e.g. Beijing,
  Shandong: within 3 days). A ceiling: an estate may promise sooner (down to 1 day), never later.
- Proxy cap (每位受托人最多代理的投票权数): empty means no cap; a cap, if set, is at least 1, since
  a cap of 0 would take away the owner's right to vote through an agent (民法典 Art. 161, a
  civil act may be done through an agent). Some cities cap at 3; that is a choice, not a floor.
- Issue-report deadlines (首次响应 24 h, 办结 48 h) are the portal's published service promise.
  They are ceilings: an estate may set a shorter (stricter) deadline per category, never a
  longer one, so "answered within the deadline" always means at most 24 h. The lower end (1 h)
  keeps a deadline from expiring the moment a report is made.

The module is pure (no Django imports), like ``voting/rules.py``; texts are Chinese msgids
marked with :func:`gettext_noop` and translated where they are shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


def gettext_noop(message: str) -> str:
    """Return the message unchanged; mark it for ``makemessages`` (translated at display)."""
    return message


class Unit(Enum):
    """Name what a bound counts."""

    DAYS = "days"
    HOURS = "hours"
    RIGHTS = "rights"


class Side(Enum):
    """Name which end of a bound the law fixes."""

    FLOOR = "floor"  # the law's number is the least an estate may choose
    CEILING = "ceiling"  # the law's number is the most an estate may choose


@dataclass(frozen=True)
class Bound:
    """Hold the values one setting may take: ``minimum <= value <= maximum`` (None: open).

    ``legal`` names the end the law fixes; the other end, if any, only catches nonsense.
    ``citation`` is a msgid naming the rule; ``default`` is what a new estate starts with.
    """

    key: str
    unit: Unit
    legal: Side
    minimum: int | None
    maximum: int | None
    default: int | None
    citation: str

    def __post_init__(self) -> None:
        if self.minimum is not None and self.maximum is not None:
            assert self.minimum <= self.maximum, self.key
        if self.default is not None:
            assert self.allows(self.default), self.key

    @property
    def legal_value(self) -> int:
        """Return the number the law fixes (the floor or the ceiling)."""
        value = self.minimum if self.legal is Side.FLOOR else self.maximum
        assert value is not None, self.key
        return value

    def allows(self, value: int | None, *, optional: bool = False) -> bool:
        """Return whether the value is within the bound (None only when ``optional``)."""
        if value is None:
            return optional
        if isinstance(value, bool) or not isinstance(value, int):
            return False
        if self.minimum is not None and value < self.minimum:
            return False
        return self.maximum is None or value <= self.maximum

    def clamp(self, value: int) -> int:
        """Return the nearest allowed value (for repairing stored data, never for input)."""
        if self.minimum is not None:
            value = max(self.minimum, value)
        if self.maximum is not None:
            value = min(self.maximum, value)
        return value


CITE_NOTICE = gettext_noop(
    "《物业管理条例》第十四条：召开业主大会会议，应当于会议召开 15 日以前通知全体业主；"
    "住宅小区的业主大会会议，应当同时告知相关的居民委员会"
)
CITE_RESULT_DISPLAY = gettext_noop("地方物业管理规定（如杭州、清远）：决议公告公示不少于 15 日")
CITE_RESULT_DUE = gettext_noop("地方物业管理规定（如北京、山东）：投票结束后 3 日内公布表决结果")
CITE_PROXY = gettext_noop(
    "《民法典》第一百六十一条：民事主体可以通过代理人实施民事法律行为；上限为 0 将剥夺业主委托投票的权利"
)
CITE_RESPONSE = gettext_noop(
    "本平台服务承诺：问题反映 24 小时内首次响应，小区可按类别规定更短的时限，不得更长"
)
CITE_CLOSE = gettext_noop(
    "本平台服务承诺：问题反映 48 小时内办结，小区可按类别规定更短的时限，不得更长"
)

NOTICE_DAYS = Bound(
    key="notice_days",
    unit=Unit.DAYS,
    legal=Side.FLOOR,
    minimum=15,
    maximum=None,
    default=15,
    citation=CITE_NOTICE,
)
RESULT_DISPLAY_DAYS = Bound(
    key="result_display_days",
    unit=Unit.DAYS,
    legal=Side.FLOOR,
    minimum=15,
    maximum=365,
    default=15,
    citation=CITE_RESULT_DISPLAY,
)
RESULT_DUE_DAYS = Bound(
    key="result_due_days",
    unit=Unit.DAYS,
    legal=Side.CEILING,
    minimum=1,
    maximum=3,
    default=3,
    citation=CITE_RESULT_DUE,
)
PROXY_CAP = Bound(
    key="proxy_cap",
    unit=Unit.RIGHTS,
    legal=Side.FLOOR,
    minimum=1,
    maximum=None,
    default=None,  # no cap unless the rules of procedure set one
    citation=CITE_PROXY,
)
RESPONSE_HOURS = Bound(
    key="response_hours",
    unit=Unit.HOURS,
    legal=Side.CEILING,
    minimum=1,
    maximum=24,
    default=24,
    citation=CITE_RESPONSE,
)
CLOSE_HOURS = Bound(
    key="close_hours",
    unit=Unit.HOURS,
    legal=Side.CEILING,
    minimum=1,
    maximum=48,
    default=48,
    citation=CITE_CLOSE,
)

ALL_BOUNDS: tuple[Bound, ...] = (
    NOTICE_DAYS,
    RESULT_DISPLAY_DAYS,
    RESULT_DUE_DAYS,
    PROXY_CAP,
    RESPONSE_HOURS,
    CLOSE_HOURS,
)

__all__ = [
    "ALL_BOUNDS",
    "CLOSE_HOURS",
    "NOTICE_DAYS",
    "PROXY_CAP",
    "RESPONSE_HOURS",
    "RESULT_DISPLAY_DAYS",
    "RESULT_DUE_DAYS",
    "Bound",
    "Side",
    "Unit",
    "gettext_noop",
]
