"""Ordered schema migrations (``PRAGMA user_version``), discovered from ``mNNNN_*.py`` modules.

Each module defines ``VERSION: int`` and ``upgrade(conn) -> None``. See docs/vault-format.md.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

_NAME = re.compile(r"^m(\d{4})_\w+$")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    upgrade: Callable[[Any], None]


def all_migrations() -> list[Migration]:
    """Every migration, in order; versions must be 1, 2, 3, … without gaps."""
    found: list[Migration] = []
    for info in pkgutil.iter_modules(__path__):
        match = _NAME.match(info.name)
        if not match:
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        version = int(module.VERSION)
        if version != int(match.group(1)):
            raise RuntimeError(f"migration {info.name} declares VERSION {version}")
        found.append(Migration(version, info.name, module.upgrade))
    found.sort(key=lambda m: m.version)
    if [m.version for m in found] != list(range(1, len(found) + 1)):
        raise RuntimeError("migration versions are not consecutive from 1")
    return found


def latest_version() -> int:
    return len(all_migrations())
