"""Layers you can see (docs/architecture.md, "Import direction"): the project's import graph,
read with `ast` by tests/import_graph.py, has no view importing a view, no cycle between
modules, no room importing a higher one, and no function-level import without its why.

No database: the graph is read from the source files."""

import re
import textwrap
from pathlib import Path

from tests import import_graph


def _graph():
    return import_graph.build()


SIDE_EFFECTS = re.compile(r"\b(email_applicant|send_mail|issue_letter|issue_letter_as)\(")


def test_no_view_sends_a_mail_or_issues_a_letter_itself():
    """A transition's letter and mail come from the hook (permits.signals); the other letters
    and mails from a module of the room (permits.certificates, permits.dossier_messages)."""
    found = [
        f"{path.relative_to(import_graph.ROOT)}:{number}"
        for path in import_graph.project_files()
        if "views" in path.parts or path.stem == "views"
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if SIDE_EFFECTS.search(line)
    ]
    assert not found, "side effects written in views:\n" + "\n".join(found)


def test_no_view_module_imports_another_view_module():
    found = import_graph.views_importing_views(_graph())
    assert not found, "views import views (move the helper to a module of the room):\n" + "\n".join(
        f"{i.source}:{i.line} → {i.target}" for i in found
    )


def test_no_import_cycle_between_modules():
    cycles = import_graph.cycles(_graph().edges())
    assert not cycles, f"import cycles: {cycles}"


def test_no_room_imports_a_higher_one():
    found = import_graph.upward_imports(_graph())
    assert not found, "imports against the room order:\n" + "\n".join(
        f"{i.source}:{i.line} → {i.target}" for i in found
    )


def test_every_function_level_import_says_why_it_is_deferred():
    missing = import_graph.undeclared_function_imports()
    assert not missing, (
        "function-level imports without `# deferred: <why>` (import at module level, or say "
        "why it cannot be):\n" + "\n".join(missing)
    )


def test_every_project_package_has_a_rank():
    # A new room must be placed in the order before its imports can be checked.
    root = import_graph.ROOT
    packages = {
        p.parent.name
        for p in root.glob("*/__init__.py")
        if (root / p.parent.name / "apps.py").exists() or p.parent.name in ("config", "core")
    }
    assert packages <= set(import_graph.RANKS), packages - set(import_graph.RANKS)


# --- the checks can fail: a tiny project written to a temporary folder -----------------------


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


def test_the_checks_find_a_cycle_a_view_importing_a_view_and_an_upward_import(tmp_path):
    _write(
        tmp_path,
        {
            "low/__init__.py": "",
            "low/a.py": "from low import b\n",
            "low/b.py": "def f():\n    from low.a import x\n",  # function-level: counted
            "low/c.py": "import high.views.one\n",  # a lower room importing a higher one
            "low/d.py": "def f():\n    # deferred: models not ready\n    from low import a\n",
            "high/__init__.py": "",
            "high/views/__init__.py": "",
            "high/views/one.py": "from .two import helper\n",  # relative, resolved
            "high/views/two.py": "from low.d import f\n",
            "mid/__init__.py": "",
            "mid/views.py": "",
            "mid/reference_views.py": "from mid import views\n",  # a views.py counts too
        },
    )
    graph = import_graph.build(tmp_path, ("low", "high", "mid"))

    assert import_graph.cycles(graph.edges()) == [["low.a", "low.b"]]
    assert {(i.source, i.target) for i in import_graph.views_importing_views(graph)} == {
        ("high.views.one", "high.views.two"),
        ("mid.reference_views", "mid.views"),
    }
    upward = import_graph.upward_imports(graph, {"low": 0, "high": 1, "mid": 1}, allowed=())
    assert {(i.source, i.target) for i in upward} == {
        ("low.c", "high"),
        ("low.c", "high.views"),
        ("low.c", "high.views.one"),
    }
    assert import_graph.undeclared_function_imports(tmp_path, ("low", "high", "mid")) == [
        "low/b.py:2"
    ]


def test_a_deferred_import_leaves_the_graph_and_type_checking_blocks_never_run(tmp_path):
    _write(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/a.py": """\
                from typing import TYPE_CHECKING

                from pkg import b

                if TYPE_CHECKING:
                    from pkg.c import C
                """,
            "pkg/b.py": """\
                def later():
                    # deferred: pkg.a imports this module at start-up
                    from pkg.a import something
                """,
            "pkg/c.py": "from pkg.a import x\n",
        },
    )
    graph = import_graph.build(tmp_path, ("pkg",))

    assert import_graph.cycles(graph.edges()) == []
    assert graph.edges()["pkg.a"] == {"pkg.b"}
