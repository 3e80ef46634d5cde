"""The project's import graph, read with `ast` (nothing is imported), and the layering rules.

A module's edges are the project modules it imports: at module level (class bodies included,
`if TYPE_CHECKING:` blocks excluded, since they never run) and inside functions. A
function-level import is left out of the graph only when it says why it is deferred, with a
`# deferred: <why>` comment on its line or the line above (a cycle with a third-party app,
models not ready at app loading, a heavy library loaded on use); any other function-level
import counts like a module-level one, so it cannot hide a cycle. Importing `a.b.c` also runs
`a` and `a.b`, so those are edges too, except a module's own parent packages (already running).
"""

import ast
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The rooms, lowest first (docs/architecture.md, "Import direction"): a room may import its
# own modules and those of lower ranks, never a higher or equal-ranked other room.
RANKS: dict[str, int] = {
    "core": 0,
    "accounts": 1,
    "workflow": 2,
    "cadastre": 3,
    "permits": 4,
    "privacy": 5,
    "accessibility": 6,
    "api": 6,
    "config": 7,
}
PACKAGES = tuple(RANKS)
DEFERRED = "# deferred:"
# The one exception to the room order, with its reason (docs/architecture.md): permits' pages
# show what privacy sources and log (SIRENE, FranceConnect's locked fields, agents' reads),
# while privacy's export, retention and reuse read permits' models.
ALLOWED_UPWARD: tuple[tuple[str, str], ...] = (("permits.views.", "privacy."),)
# Left out of the graph: being removed by issue 21's "plain" slice (drop it once gone).
IGNORED: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Import:
    source: str
    target: str
    line: int
    deferred: bool  # function-level with its why-comment


@dataclass
class Graph:
    modules: set[str] = field(default_factory=set)
    packages: set[str] = field(default_factory=set)  # those of `modules` that are packages
    imports: list[Import] = field(default_factory=list)

    def edges(self) -> dict[str, set[str]]:
        """Source → targets, the deferred imports left out."""
        out: dict[str, set[str]] = {m: set() for m in self.modules}
        for imp in self.imports:
            if not imp.deferred:
                out[imp.source].add(imp.target)
        return out


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_files(root: Path = ROOT, packages: Iterable[str] = PACKAGES) -> list[Path]:
    files = []
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            if "migrations" not in path.parts:
                files.append(path)
    return files


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _import_nodes(tree: ast.AST):
    """(node, inside a function) for each import statement that can run."""

    def walk(node: ast.AST, in_function: bool):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                for other in child.orelse:
                    yield from walk_one(other, in_function)
                continue
            yield from walk_one(child, in_function)

    def walk_one(node: ast.AST, in_function: bool):
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node, in_function
        elif isinstance(node, ast.If) and _is_type_checking(node):
            for other in node.orelse:
                yield from walk_one(other, in_function)
        else:
            inner = in_function or isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            yield from walk(node, inner)

    yield from walk(tree, False)


def _resolve(name: str, modules: set[str]) -> str | None:
    """The longest project module that `name` designates (a.b.C → a.b)."""
    while name:
        if name in modules:
            return name
        name = name.rpartition(".")[0]
    return None


def _with_parents(source: str, target: str, modules: set[str]) -> list[str]:
    parts = target.split(".")
    chain = [".".join(parts[: i + 1]) for i in range(len(parts))]
    own_parents = {".".join(source.split(".")[: i + 1]) for i in range(source.count("."))}
    return [m for m in chain if m in modules and m not in own_parents and m != source]


def _has_why(lines: list[str], lineno: int) -> bool:
    """The why-comment on the import's line, or above it or above its block of imports."""
    if DEFERRED in lines[lineno - 1]:
        return True
    above = lineno - 2
    while above >= 0 and lines[above].strip().startswith(("import ", "from ")):
        above -= 1
    return above >= 0 and lines[above].strip().startswith(DEFERRED)


def parse_module(
    source: str, text: str, modules: set[str], is_package: bool, ignored=IGNORED
) -> list[Import]:
    """The project imports of one module's text."""
    lines = text.splitlines()
    found: dict[Import, None] = {}  # ordered, without duplicates
    for node, in_function in _import_nodes(ast.parse(text)):
        deferred = in_function and _has_why(lines, node.lineno)
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            base = node.module or ""
            if node.level:
                package = source if is_package else source.rpartition(".")[0]
                for _ in range(node.level - 1):
                    package = package.rpartition(".")[0]
                base = f"{package}.{base}".strip(".")
            names = [f"{base}.{alias.name}" for alias in node.names] + [base]
        for name in names:
            target = _resolve(name, modules)
            if target is None or target in ignored:
                continue
            for each in _with_parents(source, target, modules):
                found[Import(source, each, node.lineno, deferred)] = None
    return list(found)


def build(root: Path = ROOT, packages: Iterable[str] = PACKAGES) -> Graph:
    files = project_files(root, packages)
    graph = Graph(
        modules={module_name(p, root) for p in files},
        packages={module_name(p, root) for p in files if p.name == "__init__.py"},
    )
    for path in files:
        name = module_name(path, root)
        text = path.read_text(encoding="utf-8")
        graph.imports.extend(parse_module(name, text, graph.modules, path.name == "__init__.py"))
    return graph


def cycles(edges: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def visit(start: str) -> None:
        # Iterative, so a long chain of modules never meets the recursion limit.
        nonlocal counter
        work = [(start, iter(sorted(edges.get(start, ()))))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in edges.get(node, ()):
                    found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return sorted(found)


def is_view_module(name: str, packages: set[str] = frozenset()) -> bool:
    """A module of a `views/` package, a `views.py` or an `…_views.py` (cadastre's)."""
    parts = name.split(".")
    if "views" in parts[:-1]:
        return True
    return (parts[-1] == "views" and name not in packages) or parts[-1].endswith("_views")


def views_importing_views(graph: Graph) -> list[Import]:
    """Imports from a module under `*/views/` of another such module (deferred or not)."""
    return [
        imp
        for imp in graph.imports
        if is_view_module(imp.source) and is_view_module(imp.target) and imp.source != imp.target
    ]


def _under(name: str, prefix: str) -> bool:
    """`permits.views.journey` and the package `privacy` itself are under "privacy."."""
    return name.startswith(prefix) or name == prefix.rstrip(".")


def room(name: str) -> str:
    return name.split(".")[0]


def upward_imports(
    graph: Graph, ranks: Mapping[str, int] = RANKS, allowed=ALLOWED_UPWARD
) -> list[Import]:
    """Imports from a room of another room that is not strictly below it (deferred or not),
    but for the allowed pairs of (source, target) prefixes."""
    return [
        imp
        for imp in graph.imports
        if room(imp.source) != room(imp.target)
        and ranks[room(imp.target)] >= ranks[room(imp.source)]
        and not any(
            _under(imp.source, source) and _under(imp.target, target) for source, target in allowed
        )
    ]


def undeclared_function_imports(root: Path = ROOT, packages: Iterable[str] = PACKAGES):
    """Function-level imports (of anything) without their `# deferred:` why-comment."""
    missing = []
    for path in project_files(root, packages):
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        for node, in_function in _import_nodes(ast.parse(text)):
            if in_function and not _has_why(lines, node.lineno):
                missing.append(f"{path.relative_to(root)}:{node.lineno}")
    return missing
