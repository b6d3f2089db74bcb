"""manage.py verify_ledger ASSEMBLY_ID: recompute an assembly's hash chain."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from voting.ledger import sequence_pending, verify_assembly
from voting.models import AssemblyPage


class Command(BaseCommand):
    help = "Recompute the ballot ledger of an assembly and report the first broken link."

    def add_arguments(self, parser):
        parser.add_argument("assembly_id", type=int)
        parser.add_argument(
            "--sequence",
            action="store_true",
            help="first give committed ballots still waiting for their place in the chain "
            "their entries (normally done right after each ballot commits)",
        )

    def handle(self, *args, assembly_id: int, sequence: bool = False, **options):
        assembly = AssemblyPage.objects.filter(pk=assembly_id).first()
        if assembly is None:
            raise CommandError(f"No assembly with id {assembly_id}.")
        if sequence:
            appended = sequence_pending(assembly)
            self.stdout.write(f"Sequenced {len(appended)} waiting ballot(s).")
        result = verify_assembly(assembly)
        if not result.ok:
            raise CommandError(
                f"Ledger of assembly {assembly_id} is BROKEN at entry {result.broken_at} "
                f"({result.reason}); {result.checked} entries checked."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Ledger of assembly {assembly_id} verifies: {result.checked} entries."
            )
        )
        if result.pending:
            self.stdout.write(
                self.style.WARNING(
                    f"{result.pending} ballot(s) committed moments ago still wait for their "
                    "place in the chain; run again (or with --sequence)."
                )
            )
