"""The lint step that keeps every role and authorship decision in the permissions module."""

from __future__ import annotations

from pathlib import Path

from portal import lint_roles


def _project(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


def test_the_project_has_no_decision_outside_the_permissions_module():
    assert lint_roles.violations() == []
    assert lint_roles.stale_allowances() == []


def test_a_view_that_reads_roles_to_decide_fails_the_lint(tmp_path):
    root = _project(
        tmp_path,
        {
            "shop/views.py": (
                "def edit(request, estate):\n"
                "    if Role.objects.filter(user=request.user, kind='moderator').exists():\n"
                "        return 'ok'\n"
            ),
            "shop/lookups.py": "allowed = kinds & permissions.roles_of(user).kinds_in(estate)\n",
        },
    )
    assert [v.split(":")[:2] for v in lint_roles.violations(root, allowed={})] == [
        ["shop/lookups.py", "1"],
        ["shop/views.py", "2"],
    ]


def test_a_template_that_compares_authorship_fails_the_lint(tmp_path):
    root = _project(
        tmp_path,
        {"themes/templates/x.html": "{% if post.author_id == request.user.pk %}edit{% endif %}"},
    )
    (problem,) = lint_roles.violations(root, allowed={})
    assert problem.startswith("themes/templates/x.html:1: compares authorship")


def test_allowed_files_tests_and_migrations_are_not_checked(tmp_path):
    root = _project(
        tmp_path,
        {
            "portal/community/actions.py": "Role.objects.create(user=user)\n",
            "tests/test_x.py": "Role.objects.create(user=user)\n",
            "shop/migrations/0001_initial.py": "Role.objects.all()\n",
        },
    )
    allowed = {"portal/community/actions.py": "grants roles"}
    assert lint_roles.violations(root, allowed=allowed) == []
