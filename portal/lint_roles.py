"""Fail when a module outside the permissions module reads roles or authorship to decide.

    python -m portal.lint_roles      (run by `make lint`)

Every decision "may this user do X to this object" is asked of
portal/community/permissions.py (`may(user, action, obj)`, and the `may` template tag). This
check greps the source and the templates for the ways a decision could be re-implemented
elsewhere: reading roles (`Role.objects`, `.roles.`, `role__…`, `has_role`, `roles_of(`,
`kinds_in(`) or comparing authorship (`author_id ==`). A hit fails the lint unless its file
is in ALLOWED below, each with the reason it reads roles without deciding anything.
Tests, migrations and the virtualenv are not checked.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PATTERNS = {
    "reads roles": re.compile(
        r"Role\.objects|\.roles\.|\broles?__\w|\bhas_role\b|\broles_of\(|\bkinds_in\("
    ),
    "compares authorship": re.compile(r"\bauthor_id\s*[!=]=|_by_id\s*[!=]=\s*(request\.)?user\.pk"),
}

# File (relative to the project root) → why it may match. Keep it short and true.
ALLOWED: dict[str, str] = {
    "portal/community/permissions.py": "the one place that decides",
    "portal/community/membership.py": "who belongs where (people of units, parties): no decision",
    "portal/community/models/roles.py": "the Role model and its queryset",
    "portal/community/actions.py": "grants and revokes roles (the state change itself)",
    "portal/community/admin/views.py": "lists roles for the site administrator to revoke",
    "portal/community/admin/policies.py": "users_with_any_permission: candidates put through may()",
    "portal/accounts/actions.py": "closing an account revokes its roles",
    "portal/accounts/export.py": "a person's data export lists their roles",
    "portal/accounts/views.py": "the profile page lists the person's own roles",
    "portal/dashboard/alerts.py": "recipients of officials' alerts, by role (no decision)",
    "consultations/metrics.py": "audience sizes counted by role for the dashboard (no decision)",
    "demo/discussion_history.py": "demo data: reads the demo's cast",
    "benchmarks/activity.py": "benchmark data: creates roles",
    "portal/lint_roles.py": "names the patterns it looks for",
}

SKIP_PARTS = {".venv", "node_modules", "migrations", "tests", "__pycache__", ".git", "static"}


def source_files(root: Path = ROOT):
    """Yield the project's Python modules and templates to check."""
    for path in sorted(root.rglob("*")):
        if path.suffix not in (".py", ".html") or not path.is_file():
            continue
        if SKIP_PARTS & set(path.relative_to(root).parts):
            continue
        yield path


def violations(root: Path = ROOT, allowed: dict[str, str] | None = None) -> list[str]:
    """Return "path:line: what — text" for every match outside the allowed files."""
    allowed = ALLOWED if allowed is None else allowed
    found = []
    for path in source_files(root):
        relative = path.relative_to(root).as_posix()
        if relative in allowed:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            for what, pattern in PATTERNS.items():
                if pattern.search(line):
                    found.append(f"{relative}:{number}: {what} — {line.strip()}")
    return found


def stale_allowances(root: Path = ROOT) -> list[str]:
    """Return allowed files that no longer exist (so the list stays true)."""
    return [name for name in ALLOWED if not (root / name).exists()]


def main() -> int:
    problems = violations()
    stale = stale_allowances()
    for problem in problems:
        print(problem)
    for name in stale:
        print(f"{name}: listed in portal/lint_roles.py ALLOWED but missing; remove it")
    if problems:
        print(
            "\nA role or authorship decision outside portal/community/permissions.py: ask "
            "permissions.may(user, action, obj) (or the {% may %} tag) instead, or, if this "
            "reads roles without deciding anything, add the file to ALLOWED with its reason."
        )
    return 1 if problems or stale else 0


if __name__ == "__main__":
    sys.exit(main())
