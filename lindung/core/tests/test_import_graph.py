"""The app-level import graph: no cycles, `core` is the ground, nobody imports another
app's views or forms. Layers and rules: docs/architecture.md, "Layers and imports".

Every non-test, non-migration module under lindung/ is parsed with ast (imports inside
functions count: a late import is still a dependency), each import is mapped to the app
it names, and the graph between apps is checked.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parents[2]  # lindung/
PACKAGE = PACKAGE_DIR.name

# Lowest first: an app may import only apps listed before it.
LAYERS = [
    "core",
    "regions",
    "accounts",
    "communities",
    "contacts",
    "jobs",
    "participants",
    "contributions",
    "billing",
    "cards",
    "claims",
    "tallies",
    "messaging",
    "selfservice",
    "info",
    "feedback",
    "outreach",
    "operations",
    "reports",
    "api",
    "demo",
]

# Edges allowed despite the layering: none. (Writers used to call the tallies by hand;
# the tallies now subscribe to domain events.)
ALLOWED_EXCEPTIONS: set[tuple[str, str]] = set()

VIEW_OR_FORM = ("views", "forms")
STRING_IMPORTERS = {"include", "import_module", "import_string"}


@dataclass(frozen=True)
class Import:
    source_app: str
    target_app: str
    target_module: str  # dotted, e.g. lindung.participants.views
    where: str  # lindung/billing/x.py:12


def _app_modules() -> list[Path]:
    return [
        path
        for path in sorted(PACKAGE_DIR.rglob("*.py"))
        if "tests" not in path.relative_to(PACKAGE_DIR).parts
        and "migrations" not in path.relative_to(PACKAGE_DIR).parts
        and len(path.relative_to(PACKAGE_DIR).parts) > 1  # lindung/conftest.py is test setup
    ]


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_module(dotted: str) -> bool:
    path = PACKAGE_DIR.parent.joinpath(*dotted.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _imported_modules(tree: ast.Module, module: str, is_package: bool) -> list[tuple[str, int]]:
    """Dotted module names imported anywhere in the module (inside functions too), with
    line. `from a.b import c` counts as a.b.c when c is a module, else as a.b. Dotted
    strings given to include()/import_module()/import_string() count as imports too."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against this module's package
                package = module.split(".") if is_package else module.split(".")[:-1]
                base_parts = package[: len(package) - (node.level - 1)]
                base = ".".join(base_parts + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                found.append((submodule if _is_module(submodule) else base, node.lineno))
        elif isinstance(node, ast.Call) and node.args:
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            first = node.args[0]
            if (
                name in STRING_IMPORTERS
                and isinstance(first, ast.Constant)
                and isinstance(first.value, str)
                and first.value.startswith(f"{PACKAGE}.")
            ):
                found.append((first.value, node.lineno))
    return found


def collect_imports() -> list[Import]:
    imports = []
    for path in _app_modules():
        module = _module_name(path)
        source_app = module.split(".")[1]
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        where_file = path.relative_to(PACKAGE_DIR.parent)
        for name, line in _imported_modules(tree, module, path.name == "__init__.py"):
            parts = name.split(".")
            if parts[0] != PACKAGE or len(parts) < 2:
                continue
            target_app = parts[1]
            if target_app == source_app or not (PACKAGE_DIR / target_app).is_dir():
                continue
            imports.append(Import(source_app, target_app, name, f"{where_file}:{line}"))
    return imports


def _is_view_or_form_module(dotted: str) -> bool:
    """True for <app>.views, <app>.forms, <app>.*_views, <app>.*_forms, at any depth."""
    return any(part in VIEW_OR_FORM or part.endswith(("_views", "_forms")) for part in dotted.split(".")[2:])


def _graph(imports: list[Import]) -> dict[str, dict[str, list[str]]]:
    """source app -> target app -> ["module:line (imported module)", ...]"""
    graph: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for imp in imports:
        if (imp.source_app, imp.target_app) in ALLOWED_EXCEPTIONS:
            continue
        where = f"{imp.where} ({imp.target_module})"
        if where not in graph[imp.source_app][imp.target_app]:
            graph[imp.source_app][imp.target_app].append(where)
    return graph


def _find_cycles(graph: dict[str, dict[str, list[str]]]) -> list[list[str]]:
    """Strongly connected components with more than one app (Tarjan), each as a cycle."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for succ in sorted(graph.get(node, {})):
            if succ not in index:
                visit(succ)
                low[node] = min(low[node], low[succ])
            elif succ in on_stack:
                low[node] = min(low[node], index[succ])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return components


def _cycle_path(graph: dict[str, dict[str, list[str]]], component: list[str]) -> list[str]:
    """One concrete cycle inside a strongly connected component, for the message."""
    members = set(component)
    start = component[0]
    # Breadth-first from start back to start, inside the component.
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for succ in sorted(graph[node]):
            if succ not in members:
                continue
            if succ == start:
                return [*paths[node], start]
            if succ not in paths:
                paths[succ] = [*paths[node], succ]
                queue.append(succ)
    return component


def test_every_app_has_a_layer():
    apps = {path.name for path in PACKAGE_DIR.iterdir() if (path / "apps.py").exists()}
    assert apps <= set(LAYERS), f"give these apps a place in LAYERS: {sorted(apps - set(LAYERS))}"


def test_no_import_cycle_between_apps():
    graph = _graph(collect_imports())
    rank = {app: position for position, app in enumerate(LAYERS)}
    messages = []
    for component in _find_cycles(graph):
        cycle = _cycle_path(graph, component)
        lines = [f"cycle between apps {{{', '.join(component)}}}, e.g. {' -> '.join(cycle)}"]
        lines.append("  imports against the layer order inside it (one of them must go):")
        for source in component:
            for target in sorted(graph[source]):
                if target in component and rank.get(target, -1) > rank.get(source, -1):
                    lines += [f"    {source} -> {target}: {where}" for where in graph[source][target]]
        messages.append("\n".join(lines))
    assert not messages, "\n".join(messages)


def test_apps_import_only_lower_layers():
    rank = {app: position for position, app in enumerate(LAYERS)}
    upward = sorted(
        {
            f"{imp.source_app} -> {imp.target_app} ({imp.target_module}): {imp.where}"
            for imp in collect_imports()
            if (imp.source_app, imp.target_app) not in ALLOWED_EXCEPTIONS
            and rank.get(imp.target_app, -1) > rank.get(imp.source_app, -1)
        }
    )
    assert not upward, "imports of a higher layer:\n" + "\n".join(upward)


def test_core_imports_no_domain_app():
    offending = sorted({f"{imp.target_module}: {imp.where}" for imp in collect_imports() if imp.source_app == "core"})
    assert not offending, "core is the ground and imports no domain app:\n" + "\n".join(offending)


def test_no_app_imports_another_apps_views_or_forms():
    offending = sorted(
        {
            f"{imp.source_app} imports {imp.target_module}: {imp.where}"
            for imp in collect_imports()
            if _is_view_or_form_module(imp.target_module)
        }
    )
    assert not offending, "move the shared piece out of the views/forms module:\n" + "\n".join(offending)


def test_the_allowed_exceptions_are_still_needed():
    edges = {(imp.source_app, imp.target_app) for imp in collect_imports()}
    stale = ALLOWED_EXCEPTIONS - edges
    assert not stale, f"these edges are gone: remove them from ALLOWED_EXCEPTIONS: {sorted(stale)}"


def test_the_checker_sees_imports_inside_functions_relative_ones_and_include():
    source = (
        "def f():\n"
        "    from lindung.participants.views import x\n"
        "from ..billing import forms\n"
        "from lindung.participants import views\n"
        "urlpatterns = [path('', include('lindung.billing.urls'))]\n"
    )
    names = {name for name, _ in _imported_modules(ast.parse(source), "lindung.reports.exports.spec", False)}
    assert "lindung.participants.views" in names  # name imported from a module: the module
    assert "lindung.reports.billing" in names  # two dots from reports/exports/ is lindung.reports
    assert "lindung.billing.urls" in names
    assert _is_view_or_form_module("lindung.participants.views")
    assert _is_view_or_form_module("lindung.billing.arrears.views")
    assert not _is_view_or_form_module("lindung.participants.columns")
