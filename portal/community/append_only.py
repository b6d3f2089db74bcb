"""Rows that are history: written once, never changed or deleted, in the model and the database.

`AppendOnlyModel` refuses to save an existing row or delete one. `create_triggers` (called
from migrations) makes the database refuse UPDATE and DELETE too, and on PostgreSQL TRUNCATE
(which row triggers do not see), so a hand-written query cannot rewrite history either. Used
by the audit log, the roll and ballots, and by action-item and meeting records.

What triggers cannot stop: the tables' owner or a database superuser can drop or disable
them (`ALTER TABLE … DISABLE TRIGGER`). That is caught elsewhere, by hashes published outside
the database (see SECURITY.md).
"""

from __future__ import annotations

from typing import Any

from django.db import models

from portal.community.models.audit import AppendOnlyError

POSTGRES_FUNCTION = """CREATE OR REPLACE FUNCTION gongzhi_refuse_change() RETURNS trigger AS $$
    BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END; $$ LANGUAGE plpgsql;"""


class AppendOnlyModel(models.Model):
    """A record that is written once: saving an existing row or deleting one raises."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError(f"{self._meta.label} records are append-only.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any):
        raise AppendOnlyError(f"{self._meta.label} records are append-only.")


def _drop_statements(vendor: str, table: str) -> list[str]:
    if vendor == "sqlite":
        return [
            f"DROP TRIGGER IF EXISTS {table}_no_update;",
            f"DROP TRIGGER IF EXISTS {table}_no_delete;",
        ]
    if vendor == "postgresql":
        return [
            f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};",
            *_drop_truncate_statements(vendor, table),
        ]
    return []


def _drop_truncate_statements(vendor: str, table: str) -> list[str]:
    if vendor == "postgresql":
        return [f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};"]
    return []


def _truncate_statements(vendor: str, table: str) -> list[str]:
    # SQLite has no TRUNCATE: its "DELETE FROM t" without WHERE runs the row triggers.
    if vendor == "postgresql":
        return [
            f"""CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
                FOR EACH STATEMENT EXECUTE FUNCTION gongzhi_refuse_change();"""
        ]
    return []


def _create_statements(vendor: str, table: str) -> list[str]:
    if vendor == "sqlite":
        return [
            f"""CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
                BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END;""",
            f"""CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table}
                BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END;""",
        ]
    if vendor == "postgresql":
        return [
            f"""CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
                FOR EACH ROW EXECUTE FUNCTION gongzhi_refuse_change();""",
            *_truncate_statements(vendor, table),
        ]
    return []


def create_triggers(schema_editor, tables: list[str]) -> None:
    """Make the database refuse UPDATE, DELETE and TRUNCATE on the tables (SQLite, PostgreSQL).

    An existing trigger of the same name is replaced, which also restores the triggers
    SQLite loses when a migration rebuilds a table.
    """
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_FUNCTION, params=None)
    for table in tables:
        for statement in _drop_statements(vendor, table) + _create_statements(vendor, table):
            schema_editor.execute(statement, params=None)


def drop_triggers(schema_editor, tables: list[str]) -> None:
    vendor = schema_editor.connection.vendor
    for table in tables:
        for statement in _drop_statements(vendor, table):
            schema_editor.execute(statement, params=None)


def create_truncate_triggers(schema_editor, tables: list[str]) -> None:
    """Make PostgreSQL refuse TRUNCATE on the tables (a statement-level trigger; idempotent)."""
    vendor = schema_editor.connection.vendor
    if vendor != "postgresql":
        return
    schema_editor.execute(POSTGRES_FUNCTION, params=None)
    for table in tables:
        for statement in _drop_truncate_statements(vendor, table) + _truncate_statements(
            vendor, table
        ):
            schema_editor.execute(statement, params=None)


def drop_truncate_triggers(schema_editor, tables: list[str]) -> None:
    vendor = schema_editor.connection.vendor
    for table in tables:
        for statement in _drop_truncate_statements(vendor, table):
            schema_editor.execute(statement, params=None)
