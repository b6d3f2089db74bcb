"""The owner register import: all rows or none, idempotent, history kept, bulk queries."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from portal.community.choices import AreaSource, IdentityKind, RoleKind, UnitState
from portal.community.models import (
    AuditEvent,
    Building,
    OwnerIdentity,
    Ownership,
    RegisterImportJob,
    Unit,
)
from portal.community.models.register import hash_id_number
from portal.community.register import (
    COLUMNS,
    import_file,
    import_rows,
    parse_register_file,
)
from portal.community.register.id_numbers import check_character
from tests.factories import UserFactory, make_estate

SAMPLES = Path(__file__).resolve().parents[2] / "portal" / "community" / "samples"
SAMPLE_CSV = SAMPLES / "register_sample.csv"
SAMPLE_XLSX = SAMPLES / "register_sample.xlsx"


@pytest.fixture
def estate(community_a):
    """A fresh estate, 春晓苑, with no register yet."""
    return make_estate(name="春晓苑", slug="chunxiao", community=community_a)


@pytest.fixture
def chair(estate):
    from portal.community import actions

    user = UserFactory(display_name="钱主任")
    actions.grant_role(user, RoleKind.COMMITTEE_CHAIR, estate=estate)
    return user


def sample_rows() -> list[dict[str, str]]:
    with SAMPLE_CSV.open("rb") as fh:
        return parse_register_file(fh, SAMPLE_CSV.name)


def to_csv(rows: list[dict[str, str]], *, encoding: str = "utf-8-sig") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([row.get(column, "") for column in COLUMNS])
    return buffer.getvalue().encode(encoding)


def resident_id(first_17_digits: str) -> str:
    """Return a resident ID number with its GB 11643 check character."""
    return first_17_digits + check_character(first_17_digits)


def row(**overrides: str) -> dict[str, str]:
    base = {
        "楼栋": "5栋",
        "房号": "101",
        "楼层": "1",
        "专有部分面积": "90.00",
        "面积来源": "不动产登记",
        "业主姓名": "钱多多",
        "证件号码": "330106198001010013",
        "手机号": "13912345678",
        "房屋状态": "已售已交付",
    }
    base.update(overrides)
    return base


def current_owner(unit: Unit) -> OwnerIdentity:
    (ownership,) = unit.ownerships.filter(ended_at__isnull=True)
    return ownership.identity


# --- reading files -----------------------------------------------------------------------


def test_csv_and_xlsx_samples_read_the_same_rows():
    csv_rows = sample_rows()
    with SAMPLE_XLSX.open("rb") as fh:
        xlsx_rows = parse_register_file(fh, SAMPLE_XLSX.name)
    assert len(csv_rows) == 30

    def normal(rows):
        return [{**r, "专有部分面积": Decimal(r["专有部分面积"])} for r in rows]

    # Excel keeps numbers, not text: 89.50 comes back as 89.5, the same area.
    assert normal(xlsx_rows) == normal(csv_rows)


def test_gbk_csv_from_excel_is_read():
    data = to_csv([row()], encoding="gbk")
    rows = parse_register_file(io.BytesIO(data), "名册.csv")
    assert rows[0]["业主姓名"] == "钱多多"
    assert rows[0]["楼栋"] == "5栋"


def test_headers_with_surrounding_spaces_are_tolerated():
    data = " 楼栋 ,房号,楼层,专有部分面积,面积来源,业主姓名,证件号码,手机号,　房屋状态\n"
    data += "1栋,101,1,88.5,测绘,钱多多,330106198001010013,,已交付\n"
    rows = parse_register_file(io.BytesIO(data.encode()), "a.csv")
    assert rows[0]["房屋状态"] == "已交付"
    assert rows[0]["楼栋"] == "1栋"


def test_missing_column_is_an_error_naming_it(estate):
    data = "楼栋,房号,楼层,面积来源,业主姓名,证件号码,手机号,房屋状态\n1栋,101,1,测绘,钱多多,1,,已交付\n"
    result = import_file(estate, io.BytesIO(data.encode()), "a.csv", actor=None)
    assert not result.ok
    assert [(e.row, e.column) for e in result.errors] == [(1, "专有部分面积")]
    assert "专有部分面积" in result.errors[0].message
    assert not Unit.objects.filter(building__estate=estate).exists()


def test_unknown_file_type_is_refused(estate):
    result = import_file(estate, io.BytesIO(b"x"), "名册.pdf", actor=None)
    assert not result.ok
    assert "CSV" in result.errors[0].message


# --- importing the sample ----------------------------------------------------------------


def test_sample_imports_units_owners_and_the_developer(estate, chair):
    with SAMPLE_XLSX.open("rb") as fh:
        result = import_file(estate, fh, SAMPLE_XLSX.name, actor=chair)
    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (30, 0, 0)
    assert Building.objects.filter(estate=estate).count() == 3
    units = Unit.objects.filter(building__estate=estate)
    assert units.count() == 30
    unit = units.get(building__name="3栋", number="201")
    assert unit.exclusive_area == Decimal("88.00")
    assert unit.area_source == AreaSource.SURVEYED
    assert unit.floor == 2

    # 王建华 owns two units and is one identity (SPC interpretation Art. 9).
    wang = OwnerIdentity.objects.get(estate=estate, name="王建华")
    assert wang.id_hash == hash_id_number("330106197503120410")
    assert wang.id_last4 == "0410"
    assert wang.mobile == "+8613805710001"
    assert wang.ownerships.filter(ended_at__isnull=True).count() == 2
    # Only the hash and the last four characters are stored, never the number.
    assert not OwnerIdentity.objects.filter(id_hash__contains="330106").exists()

    developer = current_owner(units.get(building__name="3栋", number="502"))
    assert developer.kind == IdentityKind.DEVELOPER
    assert developer.name == "杭州锦绣置业有限公司"
    assert developer.id_hash == hash_id_number("91330106MA27Y8QK5B")
    assert OwnerIdentity.objects.filter(estate=estate).count() == 29

    event = AuditEvent.objects.get(action="register.imported", estate=estate)
    assert event.actor == chair
    assert event.details["file"] == "register_sample.xlsx"
    assert event.details["created"] == 30


def test_reimporting_the_same_file_changes_nothing(estate):
    assert import_rows(estate, sample_rows(), actor=None).ok
    before_units = dict(
        Unit.objects.filter(building__estate=estate).values_list("pk", "updated_at")
    )
    before_ownerships = list(Ownership.objects.values_list("pk", "ended_at"))
    before_identities = list(OwnerIdentity.objects.values_list("pk", "name", "mobile"))

    result = import_rows(estate, sample_rows(), actor=None, source_name="again.csv")

    assert (result.created, result.updated, result.unchanged) == (0, 0, 30)
    assert (
        dict(Unit.objects.filter(building__estate=estate).values_list("pk", "updated_at"))
        == before_units
    )
    assert list(Ownership.objects.values_list("pk", "ended_at")) == before_ownerships
    assert list(OwnerIdentity.objects.values_list("pk", "name", "mobile")) == before_identities


def test_reimport_writes_nothing_but_its_audit_event(estate):
    rows = sample_rows()
    import_rows(estate, rows, actor=None)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        import_rows(estate, rows, actor=None)
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert len(writes) == 1 and "community_auditevent" in writes[0]


def test_a_bad_row_rejects_the_whole_file_with_row_and_column(estate):
    import_rows(estate, sample_rows(), actor=None)
    before = list(Unit.objects.values_list("pk", "exclusive_area", "updated_at"))
    rows = sample_rows()
    rows[4]["专有部分面积"] = "-3"  # spreadsheet row 6
    rows[9]["专有部分面积"] = "99.999"  # row 11
    rows[0]["专有部分面积"] = "100.00"  # a good change that must not land either
    data = to_csv(rows)

    result = import_file(estate, io.BytesIO(data), "bad.csv", actor=None)

    assert not result.ok
    assert [(e.row, e.column) for e in result.errors] == [
        (6, "专有部分面积"),
        (11, "专有部分面积"),
    ]
    assert result.errors[0].message == "专有部分面积必须大于 0。"
    assert list(Unit.objects.values_list("pk", "exclusive_area", "updated_at")) == before
    assert not AuditEvent.objects.filter(action="register.imported", details__file="bad.csv")


def test_every_kind_of_bad_row_is_listed_at_once(estate):
    rows = [
        row(房号="101", 房屋状态="出租"),
        row(房号="102", 面积来源="估算"),
        row(房号="103", 专有部分面积="九十"),
        row(房号="104", 专有部分面积="0"),
        row(房号="105", 楼层="一楼"),
        row(房号="101"),  # duplicate of row 2
        row(房号="106", 手机号="1234"),
        row(房号="107", 业主姓名="", 证件号码=""),
        row(房号="108", 证件号码="330106198001010013", 业主姓名="钱少少"),
    ]
    result = import_rows(estate, rows, actor=None)
    assert [(e.row, e.column) for e in result.errors] == [
        (2, "房屋状态"),
        (3, "面积来源"),
        (4, "专有部分面积"),
        (5, "专有部分面积"),
        (6, "楼层"),
        (7, "房号"),
        (8, "手机号"),
        (9, "业主姓名"),
        (9, "证件号码"),
        (10, "业主姓名"),
    ]
    assert "第 2 行" in result.errors[5].message
    assert not Unit.objects.filter(building__estate=estate).exists()
    assert not Building.objects.filter(estate=estate).exists()


def test_a_changed_row_updates_only_that_unit(estate):
    import_rows(estate, sample_rows(), actor=None)
    before = dict(Unit.objects.filter(building__estate=estate).values_list("pk", "updated_at"))
    rows = sample_rows()
    rows[2]["专有部分面积"] = "121.5"  # 1栋201
    rows[2]["面积来源"] = "测绘面积"

    result = import_rows(estate, rows, actor=None)

    assert (result.created, result.updated, result.unchanged) == (0, 1, 29)
    unit = Unit.objects.get(building__estate=estate, building__name="1栋", number="201")
    assert unit.exclusive_area == Decimal("121.50")
    assert unit.area_source == AreaSource.SURVEYED
    after = dict(Unit.objects.filter(building__estate=estate).values_list("pk", "updated_at"))
    moved = [pk for pk in before if before[pk] != after[pk]]
    assert moved == [unit.pk]


def test_owner_change_ends_the_old_ownership_and_keeps_it(estate):
    import_rows(estate, sample_rows(), actor=None)
    unit = Unit.objects.get(building__estate=estate, building__name="1栋", number="102")
    old = unit.ownerships.get(ended_at__isnull=True)
    rows = sample_rows()
    rows[1].update({"业主姓名": "钱多多", "证件号码": "330106198001010013", "手机号": ""})

    result = import_rows(estate, rows, actor=None)

    assert (result.created, result.updated, result.unchanged) == (0, 1, 29)
    old.refresh_from_db()
    assert old.ended_at is not None
    assert current_owner(unit).name == "钱多多"
    assert unit.ownerships.count() == 2
    # The former owner's identity stays in the register.
    assert OwnerIdentity.objects.filter(pk=old.identity_id).exists()


def test_a_unit_sold_by_the_developer_moves_to_the_buyer(estate):
    import_rows(estate, sample_rows(), actor=None)
    rows = sample_rows()
    rows[29].update(
        {"房屋状态": "已售已交付", "业主姓名": "钱多多", "证件号码": "330106198001010013"}
    )
    result = import_rows(estate, rows, actor=None)
    assert result.updated == 1
    unit = Unit.objects.get(building__estate=estate, building__name="3栋", number="502")
    assert unit.state == UnitState.OWNED
    assert current_owner(unit).kind == IdentityKind.PERSON


def test_all_developer_held_units_share_one_identity(estate):
    rows = [
        row(房号="101", 房屋状态="开发商未售", 业主姓名="", 证件号码="", 手机号=""),
        row(房号="102", 房屋状态="已售未交付", 业主姓名="钱多多"),
        row(房号="103", 房屋状态="未售", 业主姓名="春晓置业有限公司", 证件号码=""),
    ]
    result = import_rows(estate, rows, actor=None)
    assert result.ok, result.errors
    developers = OwnerIdentity.objects.filter(estate=estate, kind=IdentityKind.DEVELOPER)
    assert developers.count() == 1
    assert developers.get().name == "春晓置业有限公司"
    assert developers.get().ownerships.count() == 3
    assert not OwnerIdentity.objects.filter(estate=estate, kind=IdentityKind.PERSON).exists()


def test_a_person_cannot_use_the_developers_credit_code(estate):
    rows = [
        row(房号="101", 房屋状态="开发商未售", 证件号码="91330106MA27Y8QK5B"),
        row(房号="102", 证件号码="91330106MA27Y8QK5B"),
    ]
    result = import_rows(estate, rows, actor=None)
    assert [(e.row, e.column) for e in result.errors] == [(3, "证件号码")]


def test_import_links_an_account_with_the_same_verified_phone(estate):
    user = UserFactory(phone="+8618665710002", phone_verified=True, display_name="李秀英")
    unverified = UserFactory(phone="+8613565710003", phone_verified=False)

    result = import_rows(estate, sample_rows(), actor=None)

    assert result.accounts_linked == 1
    identity = OwnerIdentity.objects.get(estate=estate, name="李秀英")
    assert identity.user == user
    from portal.community import permissions

    permissions.forget_roles(user)
    assert permissions.is_verified_owner(user, estate)
    assert not OwnerIdentity.objects.filter(user=unverified).exists()


def test_importing_five_hundred_rows_uses_a_bounded_number_of_queries(
    estate, django_assert_max_num_queries
):
    rows = [
        row(
            楼栋=f"{b}栋",
            房号=f"{f}{n:02d}",
            楼层=str(f),
            专有部分面积=f"{60 + (b * f * n) % 120}.{n:02d}",
            证件号码=resident_id(f"3301061980{b:02d}{f:02d}{n:02d}1"),
            业主姓名="钱多多",
            手机号="",
        )
        for b in range(1, 6)
        for f in range(1, 26)
        for n in range(1, 5)
    ]
    assert len(rows) == 500
    with django_assert_max_num_queries(40):
        result = import_rows(estate, rows, actor=None)
    assert result.created == 500
    with django_assert_max_num_queries(15):
        result = import_rows(estate, rows, actor=None)
    assert result.unchanged == 500


# --- the management command --------------------------------------------------------------


def test_command_prints_the_counts(estate, capsys):
    call_command("import_register", "chunxiao", str(SAMPLE_CSV))
    out = capsys.readouterr().out
    assert "新增 30" in out
    assert Unit.objects.filter(building__estate=estate).count() == 30


def test_command_lists_every_error_and_fails(estate, tmp_path, capsys):
    rows = sample_rows()
    rows[3]["房屋状态"] = "出租"
    path = tmp_path / "bad.csv"
    path.write_bytes(to_csv(rows))
    with pytest.raises(CommandError):
        call_command("import_register", "chunxiao", str(path))
    err = capsys.readouterr().err
    assert "第 5 行" in err and "房屋状态" in err
    assert not Unit.objects.filter(building__estate=estate).exists()


def test_command_refuses_an_unknown_estate(db):
    with pytest.raises(CommandError):
        call_command("import_register", "nowhere", str(SAMPLE_CSV))


# --- the admin screen --------------------------------------------------------------------


@pytest.fixture
def admin_settings(settings):
    settings.GONGZHI_REQUIRE_STAFF_MFA = False
    return settings


def assert_refused(response) -> None:
    """Wagtail's admin turns a refusal into a redirect home with a message (403 for XHR)."""
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert response["Location"] == reverse("wagtailadmin_home")


def upload(client, estate_slug: str, data: bytes, name: str = "名册.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        reverse("community_register_import"),
        {"estate": estate_slug, "file": SimpleUploadedFile(name, data)},
    )


def test_menu_item_shows_only_for_those_who_may_manage_a_register(
    admin_settings, client, committee_chair, committee_member
):
    menu_url = reverse("community_register_import")
    client.force_login(committee_chair)
    response = client.get(reverse("wagtailadmin_home"))
    assert menu_url in response.content.decode()  # the sidebar menu is JSON for the admin's JS
    assert client.get(menu_url).status_code == 200

    client.force_login(committee_member)
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    assert menu_url not in response.content.decode()
    assert_refused(client.get(menu_url))


def test_the_form_offers_only_estates_the_user_may_manage(
    admin_settings, client, committee_chair, estate_b
):
    client.force_login(committee_chair)
    page = client.get(reverse("community_register_import")).content.decode()
    assert "锦绣花园" in page
    assert "翠湖苑" not in page


def test_chair_of_estate_a_cannot_import_into_estate_b(
    admin_settings, client, committee_chair, estate_b
):
    client.force_login(committee_chair)
    units_before = Unit.objects.filter(building__estate=estate_b).count()
    response = upload(client, "cuihu", SAMPLE_CSV.read_bytes())
    assert_refused(response)
    assert Unit.objects.filter(building__estate=estate_b).count() == units_before
    assert not RegisterImportJob.objects.exists()


def test_upload_imports_and_shows_the_counts(admin_settings, client, committee_chair, estate_a):
    client.force_login(committee_chair)
    response = upload(client, "jinxiu", SAMPLE_CSV.read_bytes(), "register_sample.csv")
    job = RegisterImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("community_register_job", args=[job.pk])
    assert job.status == RegisterImportJob.Status.SUCCEEDED
    assert job.pending_rows == []  # ID numbers are not kept once the job is done
    # 锦绣花园 already has 1栋101 and 3栋502 (see conftest), so two rows update them.
    assert (job.created_count, job.updated_count, job.unchanged_count) == (28, 2, 0)
    page = client.get(response["Location"]).content.decode()
    assert "导入成功" in page and "新增 28 户" in page


def test_upload_with_errors_shows_the_error_table_and_changes_nothing(
    admin_settings, client, committee_chair, estate_a
):
    client.force_login(committee_chair)
    rows = sample_rows()
    rows[6]["手机号"] = "12345"
    response = upload(client, "jinxiu", to_csv(rows))
    job = RegisterImportJob.objects.get()
    assert job.status == RegisterImportJob.Status.FAILED
    assert job.errors == [{"row": 8, "column": "手机号", "message": "手机号“12345”格式不正确。"}]
    assert Unit.objects.filter(building__estate=estate_a).count() == 2
    page = client.get(response["Location"]).content.decode()
    assert "第 8 行" in page and "手机号“12345”格式不正确。" in page


def test_unreadable_file_is_reported_on_the_job(admin_settings, client, committee_chair, estate_a):
    client.force_login(committee_chair)
    upload(client, "jinxiu", b"not a workbook", "名册.xlsx")
    job = RegisterImportJob.objects.get()
    assert job.status == RegisterImportJob.Status.FAILED
    assert "Excel" in job.errors[0]["message"]


def test_large_file_runs_as_a_task_with_progress(
    admin_settings, client, property_manager, estate_a, django_capture_on_commit_callbacks
):
    rows = [
        row(楼栋=f"{b}号楼", 房号=f"{f}{n:02d}", 楼层=str(f), 证件号码=f"3301{b}{f:03d}{n:02d}")
        for b in range(1, 5)
        for f in range(1, 21)
        for n in range(1, 5)
    ]
    assert len(rows) == 320
    client.force_login(property_manager)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = upload(client, "jinxiu", to_csv(rows))
    assert len(callbacks) == 1  # queued for django-q2, which runs it inline in tests
    job = RegisterImportJob.objects.get()
    assert job.status == RegisterImportJob.Status.SUCCEEDED
    assert (job.total, job.done, job.created_count) == (320, 320, 320)
    status = client.get(reverse("community_register_job_status", args=[job.pk])).json()
    assert status == {
        "status": "succeeded",
        "status_label": "导入成功",
        "total": 320,
        "done": 320,
        "percent": 100,
        "finished": True,
    }
    assert client.get(response["Location"]).status_code == 200


def test_progress_page_polls_while_the_job_runs(admin_settings, client, committee_chair, estate_a):
    job = RegisterImportJob.objects.create(estate=estate_a, file_name="大名册.xlsx", total=800)
    RegisterImportJob.objects.filter(pk=job.pk).update(done=200)
    client.force_login(committee_chair)
    page = client.get(reverse("community_register_job", args=[job.pk])).content.decode()
    assert "<progress" in page and 'value="25"' in page
    assert reverse("community_register_job_status", args=[job.pk]) in page
    assert (
        client.get(reverse("community_register_job_status", args=[job.pk])).json()["percent"] == 25
    )


def test_another_estates_job_is_not_shown(admin_settings, client, committee_chair_b, estate_a):
    job = RegisterImportJob.objects.create(estate=estate_a, file_name="a.csv")
    client.force_login(committee_chair_b)
    assert_refused(client.get(reverse("community_register_job", args=[job.pk])))
    status_url = reverse("community_register_job_status", args=[job.pk])
    assert client.get(status_url, headers={"x-requested-with": "XMLHttpRequest"}).status_code == 403
