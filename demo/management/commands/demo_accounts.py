from __future__ import annotations

from django.core.management.base import BaseCommand

from demo import district as demo


class Command(BaseCommand):
    help = "Print the demo accounts and their development-only password."

    def handle(self, *args, **options):
        self.stdout.write(
            "Demo accounts (development only). Log in with the mobile number + SMS code"
        )
        self.stdout.write("(the code is printed in this terminal) or with the email and password:")
        self.stdout.write(f"  password for every account: {demo.DEMO_PASSWORD}")
        for account in demo.ACCOUNTS:
            role = (
                dict(demo.RoleKind.choices).get(account.role, "站点管理员")
                if account.role
                else "站点管理员"
            )
            self.stdout.write(
                f"  {account.phone}  {account.email:<30} {account.name}  {role}  {account.note}"
            )
