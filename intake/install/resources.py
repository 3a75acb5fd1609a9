"""One accessor for the files Amanat ships: fonts, forms, translations, licences, icons.

From source they are the ``resources`` package next to ``intake``; frozen by PyInstaller
(``sys.frozen``) they are the ``resources`` folder the spec copies into the bundle, under
``sys._MEIPASS`` (``dist/amanat/_internal/resources``). Every lookup of a shipped file goes
through ``resource`` so both layouts work; nothing is ever written there.
"""

from __future__ import annotations

import sys
from pathlib import Path

PACKAGE = "resources"  # the top-level package (source) and folder (frozen) holding the files


def is_frozen() -> bool:
    """Whether this process runs from a PyInstaller build rather than from source."""
    return bool(getattr(sys, "frozen", False))


def resources_folder() -> Path:
    """The folder holding the shipped files, from source or frozen."""
    if is_frozen():
        base = getattr(sys, "_MEIPASS", None)
        root = Path(base) if base else Path(sys.executable).resolve().parent
        return root / PACKAGE
    from importlib import resources as importlib_resources

    return Path(str(importlib_resources.files(PACKAGE)))


def resource(*parts: str) -> Path:
    """The path of one shipped file or folder: ``resource("forms", "testimony.v1.json")``."""
    return resources_folder().joinpath(*parts)
