"""Read an owner register file (CSV or XLSX) into rows keyed by its Chinese column headers."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

from django.utils.translation import gettext as _

# The columns of the register, by the Chinese header a spreadsheet carries.
COL_BUILDING = "楼栋"
COL_NUMBER = "房号"
COL_FLOOR = "楼层"
COL_AREA = "专有部分面积"
COL_AREA_SOURCE = "面积来源"
COL_NAME = "业主姓名"
COL_ID_NUMBER = "证件号码"
COL_MOBILE = "手机号"
COL_STATE = "房屋状态"

COLUMNS = (
    COL_BUILDING,
    COL_NUMBER,
    COL_FLOOR,
    COL_AREA,
    COL_AREA_SOURCE,
    COL_NAME,
    COL_ID_NUMBER,
    COL_MOBILE,
    COL_STATE,
)
# 手机号 may be left out of a file altogether: the register is complete without it.
REQUIRED_COLUMNS = tuple(c for c in COLUMNS if c != COL_MOBILE)

# The key under which a parsed row remembers its line in the spreadsheet (header is row 1),
# so that errors point at the line a person sees even when blank lines were skipped.
ROW_KEY = "_row"
HEADER_ROW = 1
MAX_ROWS = 20_000

# Spaces people type around values, including the full-width space and Excel's BOM.
_BLANKS = " \t\r\n\u3000\ufeff\xa0"


@dataclass(frozen=True)
class RowError:
    """One problem in the file: the spreadsheet row (header is 1), the column, and why."""

    row: int
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


class RegisterFileError(Exception):
    """Raised when a file cannot be read as a register at all; carries the errors to show."""

    def __init__(self, errors: list[RowError]):
        super().__init__("; ".join(e.message for e in errors))
        self.errors = errors


def clean_text(value: Any) -> str:
    """Return a cell's value as text, without surrounding blanks; whole floats lose '.0'."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        # Excel stores every number as a float: 5.0 is the floor "5", 89.5 the area "89.5".
        if value.is_integer():
            return str(int(value))
        return str(Decimal(repr(value)))
    return str(value).strip(_BLANKS)


def parse_register_file(fileobj: IO[bytes], filename: str) -> list[dict[str, str]]:
    """Return the data rows of a CSV or XLSX register, each a dict keyed by column header.

    Raises RegisterFileError for an unreadable file, an unknown file type or a missing column.
    """
    name = (filename or "").lower()
    if name.endswith(".csv"):
        table = _read_csv(fileobj)
    elif name.endswith((".xlsx", ".xlsm")):
        table = _read_xlsx(fileobj)
    else:
        raise RegisterFileError([RowError(0, "", _("仅支持 CSV 或 XLSX（Excel）格式的名册文件。"))])
    return _rows_from_table(table)


def _read_csv(fileobj: IO[bytes]) -> list[list[str]]:
    raw = fileobj.read()
    if isinstance(raw, str):
        text = raw
    else:
        # Excel in China saves "CSV" in GBK; GB18030 is its superset, so try it second.
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:  # pragma: no cover - gb18030 decodes nearly any byte string
            raise RegisterFileError(
                [RowError(0, "", _("无法识别文件编码，请另存为 UTF-8 或 GBK 编码的 CSV。"))]
            )
    try:
        return list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise RegisterFileError(
            [RowError(0, "", _("CSV 文件格式有误：%(reason)s") % {"reason": exc})]
        ) from exc


def _read_xlsx(fileobj: IO[bytes]) -> list[list[Any]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(fileobj, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or mislabelled file
        raise RegisterFileError(
            [RowError(0, "", _("无法读取该 Excel 文件，请确认是 .xlsx 格式且未损坏。"))]
        ) from exc
    try:
        sheet = workbook.worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def _rows_from_table(table: list[list[Any]]) -> list[dict[str, str]]:
    if not table:
        raise RegisterFileError([RowError(HEADER_ROW, "", _("文件是空的。"))])
    header = [clean_text(cell) for cell in table[0]]
    positions: dict[str, int] = {}
    for index, title in enumerate(header):
        if title in COLUMNS and title not in positions:
            positions[title] = index
    missing = [c for c in REQUIRED_COLUMNS if c not in positions]
    if missing:
        raise RegisterFileError(
            [
                RowError(HEADER_ROW, column, _("缺少必需的列“%(column)s”。") % {"column": column})
                for column in missing
            ]
        )
    if len(table) - 1 > MAX_ROWS:
        raise RegisterFileError(
            [
                RowError(
                    0, "", _("文件行数过多（最多 %(max)s 行），请分批导入。") % {"max": MAX_ROWS}
                )
            ]
        )
    rows: list[dict[str, str]] = []
    for offset, cells in enumerate(table[1:]):
        values = {
            column: clean_text(cells[index]) if index < len(cells) else ""
            for column, index in positions.items()
        }
        if not any(values.values()):
            continue  # blank lines at the end of a sheet are common and mean nothing
        values.setdefault(COL_MOBILE, "")
        values[ROW_KEY] = str(HEADER_ROW + 1 + offset)
        rows.append(values)
    return rows
