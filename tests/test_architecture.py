"""Architecture rules: ui → intake → crypto, never back; hazmat only in crypto/; small modules."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

PACKAGES = ("intake", "crypto", "ui")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            names.add(str(node.args[0].value))
    return names


def _files(package: str) -> list[Path]:
    return sorted((REPO / package).rglob("*.py"))


@pytest.mark.parametrize("package", ["intake", "crypto"])
def test_core_never_imports_qt_or_ui(package: str) -> None:
    for path in _files(package):
        for name in _imports(path):
            top = name.split(".")[0]
            assert top not in {"PySide6", "shiboken6", "ui"}, f"{path} imports {name}"


def test_crypto_imports_only_stdlib_and_cryptography() -> None:
    allowed = set(sys.stdlib_module_names) | {"cryptography", "crypto", "__future__"}
    for path in _files("crypto"):
        for name in _imports(path):
            assert name.split(".")[0] in allowed, f"{path} imports {name}"


def test_hazmat_only_in_crypto() -> None:
    for package in ("intake", "ui", "bench", "tools"):
        for path in sorted((REPO / package).rglob("*.py")):
            for name in _imports(path):
                assert not name.startswith("cryptography.hazmat"), f"{path} imports {name}"


def test_every_module_has_a_docstring_and_is_small() -> None:
    for package in PACKAGES:
        for path in _files(package):
            text = path.read_text(encoding="utf-8")
            if path.name == "__init__.py" and not text.strip():
                continue
            assert ast.get_docstring(ast.parse(text)), f"{path} has no module docstring"
            assert text.count("\n") <= 600, f"{path} is over 600 lines: split it by concept"
