"""The register import against hostile files (issue #12, items 4, 9, 10, 11).

Formula-like names, control characters, ID numbers with a wrong check character, and XLSX
files that are huge, lie about their size or unpack to far more than they weigh.
"""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from openpyxl import Workbook
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from portal.community.models import RegisterImportJob, Unit
from portal.community.register import (
    COLUMNS,
    RegisterFileError,
    import_rows,
    parse_register_file,
    parsing,
)
from portal.community.register.id_numbers import check_character, is_valid_resident_id
from tests.community.test_register_import import resident_id, row, to_csv, upload
from tests.factories import make_estate

pytestmark = pytest.mark.django_db


@pytest.fixture
def estate(community_a):
    """A fresh estate, 春晓苑, with no register yet."""
    return make_estate(name="春晓苑", slug="chunxiao", community=community_a)


@pytest.fixture
def admin_settings(settings):
    settings.GONGZHI_REQUIRE_STAFF_MFA = False
    return settings


def xlsx(rows: list[list[object]], *, dimension: str | None = None) -> bytes:
    """Return an XLSX of the rows; `dimension` overwrites the size the sheet declares."""
    workbook = Workbook()
    sheet = workbook.active
    for cells in rows:
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    if dimension is None:
        return buffer.getvalue()
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(
                    rb'<dimension ref="[^"]*"', f'<dimension ref="{dimension}"'.encode(), data
                )
            target.writestr(info, data)
    return out.getvalue()


def register_table(count: int) -> list[list[object]]:
    lines: list[list[object]] = [list(COLUMNS)]
    for n in range(count):
        values = row(房号=f"{n + 1:04d}", 证件号码=resident_id(f"330106198001{n:05d}"))
        lines.append([values[c] for c in COLUMNS])
    return lines


def parse_xlsx(data: bytes) -> list[dict[str, str]]:
    return parse_register_file(io.BytesIO(data), "名册.xlsx")


# --- item 4: formula-like names ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("楼栋", "=1+1"),
        ("房号", "+101"),
        ("业主姓名", '=HYPERLINK("http://evil.example","王芳")'),
        ("业主姓名", "@SUM(A1)"),
        ("业主姓名", "-钱多多"),
    ],
)
def test_a_formula_like_name_is_refused_with_a_clear_message(estate, column, value):
    result = import_rows(estate, [row(**{column: value})], actor=None)
    assert [(e.row, e.column) for e in result.errors] == [(2, column)]
    assert "不能以 =、+、-、@ 开头" in result.errors[0].message
    assert not Unit.objects.filter(building__estate=estate).exists()


def test_a_negative_floor_is_still_a_floor_not_a_formula(estate):
    result = import_rows(estate, [row(楼层="-1")], actor=None)
    assert result.ok, result.errors


# --- item 9: control characters ---------------------------------------------------------------


@pytest.mark.parametrize("value", ["钱\x00多多", "钱多多\x1b", "\u202e多多钱"])
def test_a_control_character_in_a_name_is_refused_by_row_and_column(estate, value):
    with pytest.raises(RegisterFileError) as refused:
        parse_register_file(io.BytesIO(to_csv([row(), row(房号="102", 业主姓名=value)])), "a.csv")
    assert [(e.row, e.column) for e in refused.value.errors] == [(3, "业主姓名")]
    assert "控制字符" in refused.value.errors[0].message
    result = import_rows(estate, [row(业主姓名=value)], actor=None)
    assert [(e.row, e.column) for e in result.errors] == [(2, "业主姓名")]


def test_an_upload_with_a_nul_byte_fails_the_job_and_keeps_nothing(
    admin_settings, client, committee_chair, estate_a
):
    client.force_login(committee_chair)
    response = upload(client, "jinxiu", to_csv([row(业主姓名="钱\x00多多")]))
    assert response.status_code == 302
    job = RegisterImportJob.objects.get()
    assert job.status == RegisterImportJob.Status.FAILED
    assert job.pending_rows == []
    assert job.errors[0]["column"] == "业主姓名" and "控制字符" in job.errors[0]["message"]
    assert "控制字符" in client.get(response["Location"]).content.decode()


# --- item 10: big uploads ---------------------------------------------------------------------


def test_a_sheet_declaring_a_million_rows_is_refused_before_any_row_is_read(monkeypatch):
    def no_reading(*args, **kwargs):
        raise AssertionError("rows were read")

    monkeypatch.setattr(ReadOnlyWorksheet, "_cells_by_row", no_reading)
    with pytest.raises(RegisterFileError) as refused:
        parse_xlsx(xlsx(register_table(3), dimension="A1:I1000001"))
    assert "行数过多" in refused.value.errors[0].message


def test_a_sheet_declaring_thousands_of_columns_is_refused(monkeypatch):
    with pytest.raises(RegisterFileError) as refused:
        parse_xlsx(xlsx(register_table(3), dimension="A1:ZZZ4"))
    assert "列数过多" in refused.value.errors[0].message


def test_a_sheet_that_understates_its_size_loses_no_row():
    rows = parse_xlsx(xlsx(register_table(12), dimension="A1:I2"))
    assert len(rows) == 12


def test_a_sheet_that_understates_its_size_stops_streaming_at_the_row_limit(monkeypatch):
    monkeypatch.setattr(parsing, "MAX_ROWS", 20)
    pulled = []
    real = ReadOnlyWorksheet._cells_by_row

    def counting(self, *args, **kwargs):
        for cells in real(self, *args, **kwargs):
            pulled.append(1)
            yield cells

    monkeypatch.setattr(ReadOnlyWorksheet, "_cells_by_row", counting)
    with pytest.raises(RegisterFileError) as refused:
        parse_xlsx(xlsx(register_table(200), dimension="A1:I2"))
    assert "行数过多" in refused.value.errors[0].message
    assert len(pulled) <= 22  # the header, the limit, and the one row that broke it


def test_a_workbook_that_unpacks_to_too_much_is_refused_unread(monkeypatch):
    monkeypatch.setattr(parsing, "MAX_XLSX_UNPACKED_BYTES", 2_000)
    with pytest.raises(RegisterFileError) as refused:
        parse_xlsx(xlsx(register_table(50)))
    assert "内容过大" in refused.value.errors[0].message


def test_a_csv_longer_than_the_limit_is_refused(monkeypatch):
    monkeypatch.setattr(parsing, "MAX_ROWS", 20)
    data = to_csv([row(房号=f"{n:04d}") for n in range(500)])
    with pytest.raises(RegisterFileError) as refused:
        parse_register_file(io.BytesIO(data), "a.csv")
    assert "行数过多" in refused.value.errors[0].message


# --- item 11: the ID-number check character (GB 11643) ----------------------------------------


def test_the_check_character_follows_gb_11643():
    # The standard's own example: 11010519491231002X.
    assert check_character("11010519491231002") == "X"
    assert is_valid_resident_id("11010519491231002X")
    assert not is_valid_resident_id("110105194912310021")
    month_13 = "11010519491331002"
    assert not is_valid_resident_id(month_13 + check_character(month_13))


@pytest.mark.parametrize(
    "id_number",
    ["330106198001010012", "330106198013010014", "33010619800101001A"],
    ids=["wrong-check", "no-such-month", "letter-check"],
)
def test_a_resident_id_with_a_typo_is_refused_without_repeating_it(estate, id_number):
    result = import_rows(estate, [row(证件号码=id_number)], actor=None)
    assert [(e.row, e.column) for e in result.errors] == [(2, "证件号码")]
    assert "GB 11643" in result.errors[0].message
    assert id_number not in result.errors[0].message  # errors are stored and shown


@pytest.mark.parametrize("id_number", ["E12345678", "H01234567", "330106800101001"])
def test_other_documents_are_not_held_to_the_resident_check(estate, id_number):
    assert import_rows(estate, [row(证件号码=id_number)], actor=None).ok


def test_the_developers_credit_code_is_not_a_resident_id(estate):
    result = import_rows(
        estate, [row(房屋状态="开发商未售", 证件号码="913301067912345678")], actor=None
    )
    assert result.ok, result.errors
