from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo import district as demo


class Command(BaseCommand):
    help = "Create the demo sub-district, estates, registers and accounts (idempotent, development only)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="run even with DEBUG off")

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates accounts with published passwords; use --force to run it without DEBUG."
            )
        counts = demo.seed()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {counts['units']} units, {counts['accounts']} accounts."
            )
        )
