"""manage.py verify_ledger ASSEMBLY_ID: recompute an assembly's ledger and report the first break.

Also checks the chain against what was published about it (the opening, closing and result
notices in every revision, the certified result) and against lines a person brings
(`--published "gongzhi-ledger-v2 …"` from a notice on the board, the result PDF or an earlier
download). `--json FILE` checks a downloaded ledger.json on its own, without the database:
the chain, its head, the published lines in it or given, and after the close every opened
commitment and the head count of the tally.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from voting import ledger
from voting.models import AssemblyPage


class Command(BaseCommand):
    help = "Recompute the ballot ledger of an assembly and report the first broken link."

    def add_arguments(self, parser):
        parser.add_argument("assembly_id", type=int, nargs="?")
        parser.add_argument(
            "--sequence",
            action="store_true",
            help="first give committed ballots still waiting for their place in the chain "
            "their entries (normally done right after each ballot commits)",
        )
        parser.add_argument(
            "--published",
            action="append",
            default=[],
            metavar="LINE",
            help='a published line "gongzhi-ledger-v2 assembly=… entries=… head=… roll=…" '
            "to check the chain against (repeatable)",
        )
        parser.add_argument(
            "--json",
            metavar="FILE",
            help="verify a downloaded ledger.json instead of the database",
        )

    def handle(self, *args, assembly_id=None, sequence=False, published=(), json=None, **options):
        lines = []
        for text in published:
            found = ledger.parse_publications(text, source="--published")
            if not found:
                raise CommandError(f"Not a ledger line: {text!r}")
            lines.extend(found)
        if json:
            return self._verify_file(Path(json), lines)
        if assembly_id is None:
            raise CommandError("Give an assembly id, or --json FILE.")
        assembly = AssemblyPage.objects.filter(pk=assembly_id).first()
        if assembly is None:
            raise CommandError(f"No assembly with id {assembly_id}.")
        if sequence:
            appended = ledger.sequence_pending(assembly)
            self.stdout.write(f"Sequenced {len(appended)} waiting ballot(s).")
        result = ledger.verify_assembly(assembly, published=lines)
        if not result.ok:
            where = f"at entry {result.broken_at} " if result.broken_at else ""
            detail = f": {result.detail}" if result.detail else ""
            raise CommandError(
                f"Ledger of assembly {assembly_id} is BROKEN {where}({result.reason}{detail}); "
                f"{result.checked} entries checked."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Ledger of assembly {assembly_id} verifies: {result.checked} entries, "
                f"{result.published} published statement(s) agree."
            )
        )
        if result.pending:
            self.stdout.write(
                self.style.WARNING(
                    f"{result.pending} ballot(s) cast still wait for their place in the chain "
                    "(moments after casting; in a secret ballot until a random batch or the "
                    "close takes them); run again later (or with --sequence)."
                )
            )

    def _verify_file(self, path: Path, lines: list) -> None:
        try:
            data = json_load(path)
        except (OSError, ValueError) as error:
            raise CommandError(f"Cannot read {path}: {error}") from None
        result = ledger.verify_downloaded(data, published=lines)
        if not result.ok:
            where = f"at entry {result.broken_at} " if result.broken_at else ""
            raise CommandError(f"Downloaded ledger is BROKEN {where}({result.reason}).")
        self.stdout.write(
            self.style.SUCCESS(
                f"Downloaded ledger of assembly {data.get('assembly')} verifies: "
                f"{result.checked} entries."
            )
        )


def json_load(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))
