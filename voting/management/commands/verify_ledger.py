"""manage.py verify_ledger ASSEMBLY_ID: recompute an assembly's hash chain."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from voting.ledger import verify_assembly
from voting.models import AssemblyPage


class Command(BaseCommand):
    help = "Recompute the ballot ledger of an assembly and report the first broken link."

    def add_arguments(self, parser):
        parser.add_argument("assembly_id", type=int)

    def handle(self, *args, assembly_id: int, **options):
        assembly = AssemblyPage.objects.filter(pk=assembly_id).first()
        if assembly is None:
            raise CommandError(f"No assembly with id {assembly_id}.")
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
