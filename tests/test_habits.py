"""The project's habits, checked: comments and docstrings never quote a timing (numbers go stale
in code; they live in docs/benchmarks.md), and the Git hooks run the three checks of
`make test` from .venv/ without downloading anything."""

import ast
import io
import re
import tokenize
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
NOT_OURS = {".venv", ".tools", ".git", "node_modules", "migrations", ".pgdata", "var"}

# A measured duration, a speed-up, or a run of bench/ cited as the evidence of a claim: the
# parametrized tests below show what it catches and what it leaves alone.
TIMING = re.compile(
    r"\d\s*(?:ms|µs|ns|s)\b|\b(?:milli|micro)seconds?\b|\bseconds on\b"
    r"|\d\s*[x×]\s*(?:faster|slower)|\bbench runs?\b|\(bench/[\w.]+\)|\bbench/\w+(?:\.py)?:\s*[~\d]"
)

BEING_REWRITTEN: set[str] = set()  # none left: every file is held to the rule


def python_files():
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if not NOT_OURS.intersection(relative.parts):
            yield relative


def timings(source: str):
    """(line, text) of each comment or docstring line that quotes a timing."""
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT and TIMING.search(token.string):
            yield token.start[0], token.string
    documented = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, documented) and (docstring := ast.get_docstring(node, clean=False)):
            start = node.body[0].lineno
            for offset, line in enumerate(docstring.splitlines()):
                if TIMING.search(line):
                    yield start + offset, line.strip()


@pytest.mark.parametrize(
    "text",
    [
        "# planning that subquery cost ~4 ms per page.",
        "# (1.7 s lost per 50,000 rows, measured)",
        '"""Reversing took ~0.1 ms per link (bench/load)."""',
        "# replayed (milliseconds)",
        "# 3× faster than the ORM",
        "# (bench/load: 1.5–3 ms less per page)",
    ],
)
def test_the_pattern_recognises_a_timing(text):
    assert list(timings(text + "\n"))


@pytest.mark.parametrize(
    "text",
    [
        "# A dead worker is noticed after 3 seconds instead of 30.",
        "# Newest first: an index walk that stops at the page.",
        "# The ORM compiled it in more time than PostgreSQL ran it (docs/benchmarks.md).",
        '"""Runs the statements bench/cadastre_check.py runs through bare psycopg."""',
        "# 25 rows per page, the 5 % threshold",
    ],
)
def test_the_pattern_leaves_other_numbers_alone(text):
    assert not list(timings(text + "\n"))


def test_no_comment_or_docstring_quotes_a_timing():
    found = [
        f"{path}:{line}: {text}"
        for path in python_files()
        if path.as_posix() not in BEING_REWRITTEN
        for line, text in timings((ROOT / path).read_text(encoding="utf-8"))
    ]
    assert not found, "timings belong in docs/benchmarks.md:\n" + "\n".join(found)


def test_the_scan_covers_the_rooms():
    scanned = {path.parts[0] for path in python_files()}
    assert {"accounts", "cadastre", "config", "permits", "workflow", "tests", "bench"} <= scanned


def test_the_git_hooks_run_ruff_its_formatter_and_mypy_from_the_venv():
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = {hook["id"]: hook for repo in config["repos"] for hook in repo["hooks"]}
    assert {"ruff", "ruff-format", "mypy"} <= hooks.keys()
    # Local hooks only: installing them fetches no repository.
    assert {repo["repo"] for repo in config["repos"]} == {"local"}
    for hook in hooks.values():
        assert hook["language"] == "system"
        assert ".venv/bin/" in hook["entry"]


def test_make_test_runs_the_type_checker():
    steps = (ROOT / "scripts" / "test.sh").read_text(encoding="utf-8").splitlines()
    assert ".venv/bin/mypy" in steps
    assert steps.index(".venv/bin/mypy") < steps.index('log "pytest"')


def test_workflow_is_type_checked_strictly():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mypy"]
    assert "workflow" in config["files"]
    strict = [o for o in config["overrides"] if "workflow.*" in o["module"]]
    assert strict and strict[0]["disallow_untyped_defs"] and strict[0]["disallow_any_generics"]
    assert strict[0]["disallow_untyped_calls"] and strict[0]["warn_return_any"]
    ignored = {m for o in config["overrides"] if o.get("ignore_errors") for m in o["module"]}
    assert not {"workflow", "workflow.*"} & ignored


def undocumented(source: str) -> list[str]:
    """The module (if it has code) and the public functions, classes and methods of `source`
    without a docstring; Django's `Meta` classes say nothing a docstring would."""
    tree = ast.parse(source)
    missing = [] if ast.get_docstring(tree) or not tree.body else ["module"]
    definitions = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)

    def walk(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if not isinstance(child, definitions) or child.name.startswith("_"):
                continue
            if child.name != "Meta" and not ast.get_docstring(child):
                missing.append(f"{child.lineno}: {prefix}{child.name}")
            if isinstance(child, ast.ClassDef):
                walk(child, f"{prefix}{child.name}.")

    walk(tree, "")
    return missing


def test_the_docstring_check_finds_what_lacks_one():
    source = (
        '"""A module."""\n'
        "def said():\n"
        '    """Why."""\n'
        "def unsaid(): pass\n"
        "def _private(): pass\n"
        "class Kind:\n"
        '    """Why."""\n'
        "    class Meta: pass\n"
        "    def method(self): pass\n"
    )
    assert undocumented(source) == ["4: unsaid", "9: Kind.method"]
    assert undocumented("import os\n") == ["module"]
    assert undocumented("") == []


def test_workflow_says_why_on_its_public_functions_and_modules():
    found = [
        f"{path}:{where}"
        for path in python_files()
        if path.parts[0] == "workflow"
        for where in undocumented((ROOT / path).read_text(encoding="utf-8"))
    ]
    assert not found, "public definitions without a docstring:\n" + "\n".join(found)


def test_cadastre_is_type_checked_strictly():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mypy"]
    assert "cadastre" in config["files"]
    strict = [o for o in config["overrides"] if "cadastre.*" in o["module"]]
    assert strict and strict[0]["disallow_untyped_defs"] and strict[0]["disallow_any_generics"]
    ignored = {m for o in config["overrides"] if o.get("ignore_errors") for m in o["module"]}
    assert not {"cadastre", "cadastre.*", "accounts", "accounts.*"} & ignored
    # Typed (non-strict) like accounts/: their errors are reported.
    assert not {"api", "api.*", "privacy", "privacy.*"} & ignored
