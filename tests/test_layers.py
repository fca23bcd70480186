"""The layers hold: domain packages never import the web layer, and only the edges commit."""

from __future__ import annotations

import ast
from pathlib import Path

from app.config import BASE_DIR

APP = BASE_DIR / "app"
DOMAIN = ("content", "search", "surveys", "feedback", "yswd", "staff", "models", "notifications", "places")
#: Modules that may end a transaction: the web layer, the commands, the retry helper and
#: the one documented exception (sending a survey response: three transactions of its own, on
#: its own connection, so that a response never shares a transaction with its invitation) and
#: the outbox's delivery (claim, send, record: one message at a time, so none is sent twice).
COMMITTERS = {
    "app/cli.py",
    "app/demo.py",
    "app/transaction.py",
    "app/surveys/commands.py",
    "app/feedback/cli.py",
    "app/places/commands.py",
    "app/notifications/commands.py",
}
EXCEPTION = {("app/surveys/responses.py", name) for name in ("_claim_invitation", "_submit", "store_batch")} | {
    ("app/notifications/outbox.py", "deliver_due")
}


def _modules(*packages: str) -> list[Path]:
    return sorted(path for package in packages for path in (APP / package).rglob("*.py"))


def _imports(path: Path) -> set[str]:
    """Absolute names of every module `path` imports."""
    package = ".".join(path.relative_to(BASE_DIR).with_suffix("").parts[:-1])
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
            module = ".".join([*base, node.module] if node.module else base)
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def test_domain_packages_never_import_the_web_layer():
    offenders = {
        str(path.relative_to(BASE_DIR)): sorted(name for name in _imports(path) if name.startswith("app.web"))
        for path in _modules(*DOMAIN)
    }
    assert {path: names for path, names in offenders.items() if names} == {}


def _commits(path: Path) -> list[str]:
    """The functions in `path` that call `<something>.commit()` on the session or a connection."""
    found = []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for function in ast.walk(tree):
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            for node in ast.walk(function):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "commit"
                    and any(word in ast.unparse(node.func.value) for word in ("session", "connection"))
                ):
                    found.append(function.name)
                    break
    return found


def test_only_the_edges_commit():
    committing = {
        (str(path.relative_to(BASE_DIR)), name)
        for path in _modules(*DOMAIN, "")
        if not str(path.relative_to(BASE_DIR)).startswith("app/web/")
        and str(path.relative_to(BASE_DIR)) not in COMMITTERS
        for name in _commits(path)
    }
    assert committing == EXCEPTION


def test_imports_run_down_the_layers_between_models_feedback_and_surveys():
    """Models never import the analysis; the analysis never imports the survey definitions."""
    upward = {
        str(path.relative_to(BASE_DIR)): sorted(name for name in _imports(path) if name.startswith(forbidden))
        for packages, forbidden in ((("models",), "app.feedback"), (("feedback",), "app.surveys"))
        for path in _modules(*packages)
    }
    assert {path: names for path, names in upward.items() if names} == {}
