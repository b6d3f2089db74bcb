"""Read an owner register file (CSV or XLSX) into rows keyed by its Chinese column headers."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

from django.utils.translation import gettext as _

from portal.text_checks import has_control_characters

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
# A register has nine columns; a sheet declaring hundreds is not one.
MAX_COLUMNS = 100
# What an XLSX (a zip) may unpack to: a full register of MAX_ROWS rows is about 10 MB of XML.
MAX_XLSX_UNPACKED_BYTES = 64 * 1024 * 1024
MAX_FILE_ERRORS = 200

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

    Reads the file as a stream and stops as soon as it holds more than MAX_ROWS rows, so a
    huge file costs no more than a full one. Raises RegisterFileError for an unreadable file,
    an unknown file type, a missing column, too many rows or a cell with control characters.
    """
    name = (filename or "").lower()
    if name.endswith(".csv"):
        return _rows_from_table(_read_csv(fileobj))
    if name.endswith((".xlsx", ".xlsm")):
        workbook = _open_xlsx(fileobj)
        try:
            return _rows_from_table(_xlsx_rows(workbook))
        finally:
            workbook.close()
    raise RegisterFileError([RowError(0, "", _("仅支持 CSV 或 XLSX（Excel）格式的名册文件。"))])


def _too_many_rows() -> RegisterFileError:
    return RegisterFileError(
        [RowError(0, "", _("文件行数过多（最多 %(max)s 行），请分批导入。") % {"max": MAX_ROWS})]
    )


def _read_csv(fileobj: IO[bytes]) -> Iterator[list[str]]:
    raw = fileobj.read()  # bounded by the upload limit (register_views.MAX_UPLOAD_BYTES)
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
    reader = csv.reader(io.StringIO(text, newline=""))
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise RegisterFileError(
                [RowError(0, "", _("CSV 文件格式有误：%(reason)s") % {"reason": exc})]
            ) from exc
        yield cells[:MAX_COLUMNS]


def _unreadable_xlsx() -> RegisterFileError:
    return RegisterFileError(
        [RowError(0, "", _("无法读取该 Excel 文件，请确认是 .xlsx 格式且未损坏。"))]
    )


def _open_xlsx(fileobj: IO[bytes]) -> Any:
    """Open the workbook for streaming, after checking what it would unpack to and its size.

    An XLSX file is a zip: 1.8 MB can unpack to a sheet of a million rows. The unpacked size
    and the sheet's declared dimensions are checked before a single row is read.
    """
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(fileobj) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _unreadable_xlsx() from exc
    if unpacked > MAX_XLSX_UNPACKED_BYTES:
        raise RegisterFileError(
            [RowError(0, "", _("Excel 文件内容过大，请分批导入或另存为 CSV。"))]
        )
    fileobj.seek(0)
    try:
        workbook = load_workbook(fileobj, read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
    except Exception as exc:  # openpyxl raises many kinds for a damaged or mislabelled file
        raise _unreadable_xlsx() from exc
    # The sheet's own <dimension> says how big it is; refuse a huge one before reading it.
    declared_rows, declared_columns = sheet.max_row, sheet.max_column
    if declared_rows is not None and declared_rows - HEADER_ROW > MAX_ROWS:
        workbook.close()
        raise _too_many_rows()
    if declared_columns is not None and declared_columns > MAX_COLUMNS:
        workbook.close()
        raise RegisterFileError(
            [RowError(0, "", _("文件列数过多（最多 %(max)s 列）。") % {"max": MAX_COLUMNS})]
        )
    return workbook


def _xlsx_rows(workbook: Any) -> Iterator[list[Any]]:
    sheet = workbook.worksheets[0]
    # A crafted file can declare a small dimension and hold more rows: forget the declared
    # size (openpyxl would silently stop there) and let _rows_from_table stop at the limit.
    sheet.reset_dimensions()
    try:
        for row in sheet.iter_rows(values_only=True):
            yield list(row[:MAX_COLUMNS])
    except Exception as exc:  # a damaged sheet fails while streaming, not when opened
        raise _unreadable_xlsx() from exc


def _rows_from_table(table: Iterable[list[Any]]) -> list[dict[str, str]]:
    lines = iter(table)
    first = next(lines, None)
    if first is None:
        raise RegisterFileError([RowError(HEADER_ROW, "", _("文件是空的。"))])
    header = [clean_text(cell) for cell in first]
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
    rows: list[dict[str, str]] = []
    errors: list[RowError] = []
    for offset, cells in enumerate(lines):
        if offset >= MAX_ROWS:
            raise _too_many_rows()
        line = HEADER_ROW + 1 + offset
        values = {
            column: clean_text(cells[index]) if index < len(cells) else ""
            for column, index in positions.items()
        }
        if not any(values.values()):
            continue  # blank lines at the end of a sheet are common and mean nothing
        for column, value in values.items():
            # Refused here, before the rows are stored on the job: PostgreSQL cannot keep NUL.
            if has_control_characters(value):
                errors.append(RowError(line, column, _("含有不可见的控制字符，请删除后重新导入。")))
        values.setdefault(COL_MOBILE, "")
        values[ROW_KEY] = str(line)
        rows.append(values)
    if errors:
        raise RegisterFileError(errors[:MAX_FILE_ERRORS])
    return rows
