"""The lint step that keeps modules ones a person can hold in their head (#14 item 4)."""

from __future__ import annotations

from pathlib import Path

from portal import lint_modules


def _project(tmp_path: Path, files: dict[str, str]) -> dict[str, lint_modules.Module]:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return lint_modules.load_modules(tmp_path, packages=("shop",))


def test_the_project_passes_its_module_checks():
    assert lint_modules.problems() == []


def test_two_modules_importing_each_other_at_the_top_are_a_cycle(tmp_path):
    modules = _project(
        tmp_path,
        {
            "shop/__init__.py": "",
            "shop/models.py": "from shop.views import render\n",
            "shop/views.py": "from shop import models\n\ndef render():\n    pass\n",
        },
    )
    assert lint_modules.cycles(modules) == [
        "import cycle: shop.models -> shop.views -> shop.models"
    ]


def test_a_cycle_through_a_third_module_is_found(tmp_path):
    modules = _project(
        tmp_path,
        {
            "shop/__init__.py": "",
            "shop/a.py": "import shop.b\n",
            "shop/b.py": "from shop.c import x\n",
            "shop/c.py": "from . import a\nx = 1\n",
        },
    )
    assert lint_modules.cycles(modules) == ["import cycle: shop.a -> shop.b -> shop.c -> shop.a"]


def test_type_checking_and_function_level_imports_make_no_cycle(tmp_path):
    modules = _project(
        tmp_path,
        {
            "shop/__init__.py": "",
            "shop/a.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from shop import b\n",
            "shop/b.py": "def f():\n    # after app loading\n    from shop import a\n",
        },
    )
    assert lint_modules.cycles(modules) == []


def test_a_package_may_re_export_its_submodules(tmp_path):
    modules = _project(
        tmp_path,
        {
            "shop/__init__.py": "",
            "shop/actions/__init__.py": "from shop.actions.orders import place\n",
            "shop/actions/orders.py": "from shop.actions.common import lock\n\ndef place():\n    lock()\n",
            "shop/actions/common.py": "def lock():\n    pass\n",
        },
    )
    assert lint_modules.cycles(modules) == []


def test_a_function_level_import_needs_a_comment_saying_why(tmp_path):
    modules = _project(
        tmp_path,
        {
            "shop/__init__.py": "",
            "shop/models.py": "x = 1\n",
            "shop/views.py": (
                "import json\n"
                "\n"
                "def bare():\n"
                "    import csv\n"  # not first-party: not checked
                "    from shop.models import x\n"
                "\n"
                "def explained():\n"
                "    # models load after the app registry\n"
                "    from shop.models import x\n"
                "    from shop import models\n"  # same run of imports as the line above
                "\n"
                "def on_the_line():\n"
                "    from shop.models import x  # app-loading order\n"
            ),
        },
    )
    (problem,) = lint_modules.unexplained_function_imports(modules)
    assert problem.startswith("shop/views.py:5: function-level import without a comment")


def test_a_long_module_needs_its_reason_in_the_docstring(tmp_path):
    body = "x = 1\n" * lint_modules.MAX_LINES
    modules = _project(
        tmp_path,
        {
            "shop/__init__.py": "",
            "shop/short.py": body[: -len("x = 1\n")],
            "shop/long.py": '"""Many things."""\n' + body,
            "shop/justified.py": '"""Many things.\n\nLong because: the law is long.\n"""\n' + body,
        },
    )
    (problem,) = lint_modules.long_modules(modules)
    assert problem.startswith("shop/long.py: 401 lines (over 400)")


def test_tests_and_migrations_are_not_checked(tmp_path):
    modules = _project(
        tmp_path,
        {
            "shop/__init__.py": "",
            "shop/migrations/0001_initial.py": "x = 1\n" * 500,
            "shop/tests/test_x.py": "x = 1\n" * 500,
        },
    )
    assert sorted(modules) == ["shop"]
