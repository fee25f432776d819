"""The shape of the code, checked on the source itself: dependencies run one way (import-linter's
contracts in pyproject.toml), no import between areas hides inside a function, only the state
machines set a status, no template compares status strings, and no module grows past ~500 lines."""
from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("marketplace", "catalogue")
SOURCES = sorted(p for package in PACKAGES for p in (ROOT / package).rglob("*.py"))
STATE_MACHINES = ROOT / "marketplace" / "states.py"
MAX_LINES = 500


def _module(path: Path, root: Path = ROOT) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _area(module: str) -> str:
    """marketplace.orders.quote -> marketplace.orders; catalogue.views -> catalogue; marketplace.money -> marketplace.money."""
    parts = module.split(".")
    return parts[0] if parts[0] == "catalogue" else ".".join(parts[:2])


def _imported(path: Path, node: ast.ImportFrom | ast.Import, root: Path = ROOT) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level:
        package = _module(path, root).split(".")
        if path.name != "__init__.py":
            package = package[:-1]
        base = package[:len(package) - (node.level - 1)]
        return [".".join(base + ([node.module] if node.module else []))]
    return [node.module or ""]


def test_lint_imports_keeps_every_contract():
    """The layers and the no-cycle contracts in pyproject.toml hold (run without a cache)."""
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout and " 2 kept" in result.stdout, result.stdout


def _function_imports(path: Path, root: Path = ROOT):
    """(line, imported module) for every import inside a function body."""
    found = []

    class Visitor(ast.NodeVisitor):
        depth = 0

        def visit_FunctionDef(self, node):
            self.depth += 1
            self.generic_visit(node)
            self.depth -= 1

        visit_AsyncFunctionDef = visit_FunctionDef

        def visit_Import(self, node):
            if self.depth:
                found.extend((node.lineno, name) for name in _imported(path, node, root))

        visit_ImportFrom = visit_Import

    Visitor().visit(ast.parse(path.read_text()))
    return found


def test_no_import_between_areas_hides_inside_a_function():
    hidden = [f"{path.relative_to(ROOT)}:{line} imports {name}" for path in SOURCES
              for line, name in _function_imports(path)
              if name.split(".")[0] in PACKAGES and _area(name) != _area(_module(path))]
    assert hidden == []


def test_the_function_import_scan_would_notice_one(tmp_path):
    sample = tmp_path / "marketplace" / "orders" / "sample.py"
    sample.parent.mkdir(parents=True)
    sample.write_text("def f():\n    from ..billing import payments\n    return payments\n")
    assert _function_imports(sample, tmp_path) == [(2, "marketplace.billing")]


def _status_fields() -> set[str]:
    from marketplace.states import machines

    return {machine.field for machine in machines()}


def _machine_models() -> set[str]:
    """The class names of the models a state machine drives."""
    from marketplace.extensions import db
    from marketplace.states import machines

    tables = {machine.model for machine in machines()}
    return {mapper.class_.__name__ for mapper in db.Model.registry.mappers if mapper.local_table.name in tables}


def _status_assignments(path: Path, fields: set[str], root: Path = ROOT) -> list[str]:
    """Every place the source sets a machine's field: ``x.status = ...``, ``setattr(x, "status", ...)``,
    or ``Model(status=...)`` when making one of the machines' models."""
    found, models = [], _machine_models()
    for node in ast.walk(ast.parse(path.read_text())):
        targets = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [node.target]
        for target in targets:
            if isinstance(target, ast.Attribute) and target.attr in fields:
                found.append(f"{path.relative_to(root)}:{node.lineno} assigns .{target.attr}")
        if isinstance(node, ast.Call):
            name = node.func.id if isinstance(node.func, ast.Name) else node.func.attr if isinstance(node.func, ast.Attribute) else ""
            if name == "setattr" and len(node.args) > 1 and isinstance(node.args[1], ast.Constant) and node.args[1].value in fields:
                found.append(f"{path.relative_to(root)}:{node.lineno} setattr {node.args[1].value}")
            if name in models and any(k.arg in fields for k in node.keywords):
                found.append(f"{path.relative_to(root)}:{node.lineno} makes {name} with a status")
    return found


def test_only_the_state_machines_set_a_status(app):
    fields = _status_fields()
    assert "status" in fields
    offenders = [line for path in SOURCES if path != STATE_MACHINES for line in _status_assignments(path, fields)]
    assert offenders == []


def test_the_status_scan_would_notice_each_kind_of_assignment(app, tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("def f(order):\n    order.status = 'paid'\n    setattr(order, 'status', 'paid')\n"
                      "    Response('no', status=400)\n    return Order(status='placed')\n")
    assert len(_status_assignments(sample, _status_fields(), tmp_path)) == 3  # an HTTP response's status is not one


STATUS_COMPARISON = re.compile(r"\.(status|resolution)\s*(==|!=|\bin\b|\bnot\s+in\b)|\bstatus\s*(==|!=)\s*['\"]")


def test_no_template_compares_a_status_string():
    offenders = [f"{path.relative_to(ROOT)}:{n}" for path in sorted((ROOT / "templates").rglob("*.html"))
                 for n, line in enumerate(path.read_text().splitlines(), 1) if STATUS_COMPARISON.search(line)]
    assert offenders == []


def test_the_template_scan_would_notice_a_comparison():
    assert STATUS_COMPARISON.search("{% if order.status == 'placed' %}")
    assert STATUS_COMPARISON.search("{% if invoice.status in ('issued', 'approved') %}")
    assert not STATUS_COMPARISON.search("{% if status == 404 %}")
    assert not STATUS_COMPARISON.search("{% if may(order, 'accepted') %}")


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_is_longer_than_about_500_lines(path):
    lines = len(path.read_text().splitlines())
    assert lines <= MAX_LINES, f"{lines} lines"
