"""What someone who owns the database's tables can do past its guards, for the tampering tests."""

from __future__ import annotations

from django.db import connection

from voting import actions

TAMPERABLE = (
    "voting_ballot",
    "voting_ballotchoice",
    "voting_ledgerentry",
    "voting_ledgerhead",
    "voting_ledgerpending",
    "voting_votingright",
    "voting_electoralroll",
)


def without_triggers(sql: str, params=()) -> None:
    """Run statements with the database's guards out of the way, as its owner could.

    On SQLite the triggers are dropped (and come back with the test's rollback); on
    PostgreSQL they are disabled for the transaction (ALTER TABLE … DISABLE TRIGGER USER).
    """
    existing = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for table in TAMPERABLE:
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
        else:
            # Deferred foreign-key checks must fire first, or ALTER TABLE refuses.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for table in TAMPERABLE:
                if table in existing:
                    cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        params = list(params)
        for statement in sql.split(";"):
            count = statement.count("%s")
            cursor.execute(statement, params[:count])
            params = params[count:]


def close(assembly):
    """Close voting at the scheduled end and return the assembly as stored."""
    actions.close_voting(assembly, now=assembly.voting_closes_at)
    assembly.refresh_from_db()
    return assembly
