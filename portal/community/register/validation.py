"""Check every row of a register before anything is written; collect every error at once.

Long because: one check per column of the register (a short function each) and the
cross-row checks, all feeding one list of errors; validate_rows reads as the table of them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from portal.community.choices import AreaSource, IdentityKind, UnitState
from portal.community.models.register import hash_id_number
from portal.community.phone import InvalidPhone, normalize_phone
from portal.community.register.id_numbers import fails_resident_check, normalize_id_number
from portal.community.register.parsing import (
    COL_AREA,
    COL_AREA_SOURCE,
    COL_BUILDING,
    COL_FLOOR,
    COL_ID_NUMBER,
    COL_MOBILE,
    COL_NAME,
    COL_NUMBER,
    COL_STATE,
    COLUMNS,
    HEADER_ROW,
    ROW_KEY,
    RowError,
)
from portal.text_checks import has_control_characters, looks_like_formula

# What people write in the 房屋状态 column, and the state it means.
STATE_ALIASES: dict[str, str] = {
    "已售已交付": UnitState.OWNED,
    "已交付": UnitState.OWNED,
    "自有": UnitState.OWNED,
    "开发商未售": UnitState.DEVELOPER_UNSOLD,
    "未售": UnitState.DEVELOPER_UNSOLD,
    "已售未交付": UnitState.SOLD_UNDELIVERED,
    **{value: value for value in UnitState.values},
}
# What people write in the 面积来源 column (SPC interpretation Art. 8 names these three).
AREA_SOURCE_ALIASES: dict[str, str] = {
    "不动产登记": AreaSource.REGISTERED,
    "不动产登记面积": AreaSource.REGISTERED,
    "登记": AreaSource.REGISTERED,
    "产权登记": AreaSource.REGISTERED,
    "测绘": AreaSource.SURVEYED,
    "测绘面积": AreaSource.SURVEYED,
    "合同": AreaSource.CONTRACT,
    "合同面积": AreaSource.CONTRACT,
    **{value: value for value in AreaSource.values},
}

# The developer's identity key when the file gives no credit code: one developer per estate.
DEVELOPER_FIXED_KEY = "__DEVELOPER__"
CENT = Decimal("0.01")
MAX_AREA = Decimal("99999999.99")
FLOOR_RANGE = (-20, 300)
_INT_RE = re.compile(r"^-?\d+$")
# Text columns a spreadsheet export shows; a formula-like value there is refused at import.
FORMULA_CHECKED_COLUMNS = (COL_BUILDING, COL_NUMBER, COL_NAME)
_INNER_SPACE_RE = re.compile(r"[\s\u3000]+")


@dataclass
class CleanRow:
    """One register row after checking: typed values, the ID number reduced to hash and tail."""

    row: int
    building: str
    number: str
    floor: int
    exclusive_area: Decimal
    area_source: str
    state: str
    kind: str
    name: str
    id_hash: str
    id_last4: str
    mobile: str

    @property
    def unit_key(self) -> tuple[str, str]:
        return (self.building, self.number)


@dataclass
class DeveloperInfo:
    """What the file says about the estate's developer (建设单位), if anything."""

    name: str = ""
    id_hash: str = ""
    id_last4: str = ""
    name_row: int = 0
    code_row: int = 0


@dataclass
class Validated:
    rows: list[CleanRow]
    developer: DeveloperInfo
    errors: list[RowError]


def _squeeze(value: str) -> str:
    return _INNER_SPACE_RE.sub("", value or "")


def _row_number(raw: dict[str, str], index: int) -> int:
    try:
        return int(raw.get(ROW_KEY) or 0) or HEADER_ROW + 1 + index
    except ValueError:
        return HEADER_ROW + 1 + index


ErrorSink = Callable[[int, str, str], None]


def validate_rows(
    rows: list[dict[str, str]],
    *,
    existing_kinds: Callable[[Iterable[str]], dict[str, str]],
    progress: Callable[[int], None] | None = None,
) -> Validated:
    """Return the checked rows and every error found, by spreadsheet row and column.

    `existing_kinds` maps ID hashes to the kind of identity the estate already has under them,
    so a person cannot be filed under the developer's credit code or the other way round.
    Each column has its own check below, run in the order of the columns people read.
    """
    errors: list[RowError] = []
    clean: list[CleanRow] = []
    developer = DeveloperInfo()
    seen_units: dict[tuple[str, str], int] = {}
    people: dict[str, tuple[int, str, str]] = {}

    def error(row: int, column: str, message: str) -> None:
        errors.append(RowError(row, column, message))

    for index, raw in enumerate(rows):
        row = _row_number(raw, index)
        values = {c: (raw.get(c) or "").strip() for c in COLUMNS}
        row_errors_before = len(errors)

        _check_cells(row, values, error)
        building, number = _check_place(row, values, seen_units, error)
        floor = _check_floor(row, values[COL_FLOOR], error)
        area = _check_area(row, values[COL_AREA], error)
        area_source = _check_area_source(row, values[COL_AREA_SOURCE], error)
        state = _check_state(row, values[COL_STATE], error)
        mobile = _check_mobile(row, values[COL_MOBILE], error)

        name = values[COL_NAME]
        id_number = normalize_id_number(values[COL_ID_NUMBER])
        if len(name) > 100:
            error(row, COL_NAME, _("姓名或名称不能超过 100 个字。"))
        if len(id_number) > 50:
            error(row, COL_ID_NUMBER, _("证件号码过长。"))
        developer_held = state in UnitState.developer_held()
        kind = IdentityKind.DEVELOPER if developer_held else IdentityKind.PERSON
        id_hash = hash_id_number(id_number) if id_number else ""

        if state and not developer_held:
            _check_owner(row, name, id_number, error)
        elif state == UnitState.DEVELOPER_UNSOLD:
            _note_developer(row, name, id_number, id_hash, developer, error)

        if len(errors) == row_errors_before:
            item = CleanRow(
                row=row,
                building=building,
                number=number,
                floor=floor,
                exclusive_area=area,
                area_source=area_source,
                state=state,
                kind=kind,
                name=name,
                id_hash=id_hash if kind == IdentityKind.PERSON else "",
                id_last4=id_number[-4:] if kind == IdentityKind.PERSON else "",
                mobile=mobile,
            )
            clean.append(item)
        if state and kind == IdentityKind.PERSON and id_hash and name:
            # Checked even on rows with other errors, so every conflict shows in one pass.
            _check_same_person(row, name, id_hash, mobile, people, error)
        if progress is not None and (index + 1) % 100 == 0:
            progress(index + 1)

    _check_kinds_do_not_clash(clean, developer, existing_kinds, error)
    errors.sort(key=lambda e: (e.row, COLUMNS.index(e.column) if e.column in COLUMNS else -1))
    return Validated(rows=clean, developer=developer, errors=errors)


def _check_cells(row: int, values: dict[str, str], error: ErrorSink) -> None:
    """Refuse control characters anywhere, and formula-like text where exports show it."""
    for column, value in values.items():
        if has_control_characters(value):
            error(row, column, _("含有不可见的控制字符，请删除后重新导入。"))
        elif column in FORMULA_CHECKED_COLUMNS and looks_like_formula(value):
            # It would reach every export (acknowledgements, results) as a formula.
            error(
                row,
                column,
                _("“%(column)s”不能以 =、+、-、@ 开头（电子表格会把它当作公式执行）。")
                % {"column": column},
            )


def _check_place(
    row: int,
    values: dict[str, str],
    seen_units: dict[tuple[str, str], int],
    error: ErrorSink,
) -> tuple[str, str]:
    """Return (building, number), each given, short enough, and not a repeat of an earlier row."""
    building = _squeeze(values[COL_BUILDING])
    number = _squeeze(values[COL_NUMBER])
    if not building:
        error(row, COL_BUILDING, _("请填写楼栋。"))
    elif len(building) > 30:
        error(row, COL_BUILDING, _("楼栋名称不能超过 30 个字。"))
    if not number:
        error(row, COL_NUMBER, _("请填写房号。"))
    elif len(number) > 30:
        error(row, COL_NUMBER, _("房号不能超过 30 个字。"))
    if building and number:
        first = seen_units.get((building, number))
        if first is not None:
            error(
                row,
                COL_NUMBER,
                _("%(building)s%(number)s 与第 %(first)s 行重复。")
                % {"building": building, "number": number, "first": first},
            )
        else:
            seen_units[(building, number)] = row
    return building, number


def _check_floor(row: int, floor_text: str, error: ErrorSink) -> int:
    if not _INT_RE.match(floor_text):
        error(row, COL_FLOOR, _("楼层必须是整数，而不是“%(value)s”。") % {"value": floor_text})
        return 0
    floor = int(floor_text)
    if not FLOOR_RANGE[0] <= floor <= FLOOR_RANGE[1]:
        error(row, COL_FLOOR, _("楼层 %(value)s 超出合理范围。") % {"value": floor})
    return floor


def _check_area(row: int, area_text: str, error: ErrorSink) -> Decimal:
    """Return the exclusive area in m² with two places (SPC interpretation Art. 8)."""
    try:
        area = Decimal(area_text)
        if not area.is_finite():
            raise InvalidOperation
    except InvalidOperation:
        error(
            row,
            COL_AREA,
            _("专有部分面积必须是数字，而不是“%(value)s”。") % {"value": area_text},
        )
        return Decimal(0)
    if area <= 0:
        error(row, COL_AREA, _("专有部分面积必须大于 0。"))
    elif area != area.quantize(CENT):
        error(row, COL_AREA, _("专有部分面积最多保留两位小数。"))
    elif area > MAX_AREA:
        error(row, COL_AREA, _("专有部分面积过大。"))
    else:
        area = area.quantize(CENT)
    return area


def _check_area_source(row: int, text: str, error: ErrorSink) -> str:
    area_source = AREA_SOURCE_ALIASES.get(_squeeze(text), "")
    if not area_source:
        error(
            row,
            COL_AREA_SOURCE,
            _("无法识别的面积来源“%(value)s”，应为 不动产登记、测绘 或 合同。") % {"value": text},
        )
    return area_source


def _check_state(row: int, text: str, error: ErrorSink) -> str:
    state = STATE_ALIASES.get(_squeeze(text), "")
    if not state:
        error(
            row,
            COL_STATE,
            _("无法识别的房屋状态“%(value)s”，应为 已售已交付、开发商未售 或 已售未交付。")
            % {"value": text},
        )
    return state


def _check_mobile(row: int, text: str, error: ErrorSink) -> str:
    if not text:
        return ""
    try:
        return normalize_phone(text)
    except InvalidPhone:
        error(row, COL_MOBILE, _("手机号“%(value)s”格式不正确。") % {"value": text})
        return ""


def _check_owner(row: int, name: str, id_number: str, error: ErrorSink) -> None:
    """A sold and delivered unit names its owner and a plausible ID number."""
    if not name:
        error(row, COL_NAME, _("已售已交付的房屋必须填写业主姓名。"))
    if not id_number:
        error(row, COL_ID_NUMBER, _("已售已交付的房屋必须填写业主证件号码。"))
    elif fails_resident_check(id_number):
        # GB 11643: a typo in any digit breaks the check character. The number itself
        # is not repeated: errors are stored on the job and shown on screen.
        error(
            row,
            COL_ID_NUMBER,
            _("身份证号码有误：出生日期或校验位不符合 GB 11643，请核对。"),
        )


def _note_developer(
    row: int,
    name: str,
    id_number: str,
    id_hash: str,
    developer: DeveloperInfo,
    error: ErrorSink,
) -> None:
    """Record who the developer is, and refuse rows that disagree with an earlier one.

    All developer-held units belong to one identity (SPC interpretation Art. 9), so the rows
    must agree on who the developer is. Rows of sold but undelivered units often carry the
    buyer's name instead: those do not describe the developer and are not noted.
    """
    if name:
        if developer.name and developer.name != name:
            error(
                row,
                COL_NAME,
                _("建设单位名称与第 %(first)s 行不一致。") % {"first": developer.name_row},
            )
        elif not developer.name:
            developer.name, developer.name_row = name, row
    if id_number:
        if developer.id_hash and developer.id_hash != id_hash:
            error(
                row,
                COL_ID_NUMBER,
                _("建设单位证件号码与第 %(first)s 行不一致。") % {"first": developer.code_row},
            )
        elif not developer.id_hash:
            developer.id_hash, developer.id_last4 = id_hash, id_number[-4:]
            developer.code_row = row


def _check_same_person(
    row: int,
    name: str,
    id_hash: str,
    mobile: str,
    people: dict[str, tuple[int, str, str]],
    error: ErrorSink,
) -> None:
    """Report rows that give one ID number two names or two mobiles: which one is right?"""
    first = people.get(id_hash)
    if first is None:
        people[id_hash] = (row, name, mobile)
        return
    first_row, first_name, first_mobile = first
    if first_name != name:
        error(row, COL_NAME, _("同一证件号码在第 %(first)s 行的姓名不同。") % {"first": first_row})
    if mobile and first_mobile and first_mobile != mobile:
        error(
            row, COL_MOBILE, _("同一证件号码在第 %(first)s 行的手机号不同。") % {"first": first_row}
        )
    elif mobile and not first_mobile:
        people[id_hash] = (first_row, first_name, mobile)


def _check_kinds_do_not_clash(
    clean: list[CleanRow],
    developer: DeveloperInfo,
    existing_kinds: Callable[[Iterable[str]], dict[str, str]],
    error: ErrorSink,
) -> None:
    """Report a person filed under the developer's code, or the developer under a person's."""
    hashes = {r.id_hash for r in clean if r.id_hash}
    if developer.id_hash:
        hashes.add(developer.id_hash)
    known = existing_kinds(hashes) if hashes else {}
    for item in clean:
        if item.id_hash and (
            item.id_hash == developer.id_hash or known.get(item.id_hash) == IdentityKind.DEVELOPER
        ):
            error(item.row, COL_ID_NUMBER, _("该证件号码属于建设单位，不能登记为个人业主。"))
    if developer.id_hash and known.get(developer.id_hash) == IdentityKind.PERSON:
        error(
            developer.code_row,
            COL_ID_NUMBER,
            _("该证件号码已登记为个人业主，不能作为建设单位的证件号码。"),
        )
