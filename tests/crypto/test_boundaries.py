"""crypto/ imports only the standard library, ``cryptography`` and itself (design rule)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

CRYPTO = Path(__file__).parents[2] / "crypto"
ALLOWED = set(sys.stdlib_module_names) | {"__future__", "cryptography", "crypto"}


def imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def test_crypto_imports_only_stdlib_and_cryptography() -> None:
    files = sorted(CRYPTO.glob("*.py"))
    assert len(files) > 10
    for path in files:
        assert imported_roots(path) <= ALLOWED, path.name


def test_every_crypto_module_has_a_docstring() -> None:
    for path in CRYPTO.glob("*.py"):
        if path.name != "__init__.py":
            assert ast.get_docstring(ast.parse(path.read_text())), path.name
