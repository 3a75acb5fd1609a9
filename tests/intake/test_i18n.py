"""Translations: every literal passed to tr() exists in every catalog, placeholders intact."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from intake.i18n import LANGUAGES, catalog, is_rtl, set_language, tr
from tests.conftest import REPO

PLACEHOLDER = re.compile(r"\{(\w+)\}")


def literal_msgids() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for package in ("intake", "ui"):
        for path in sorted((REPO / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Name)
                    and node.func.id in {"tr", "N_"}
                    and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)
                ):
                    found.setdefault(node.args[0].value, path)
                elif (  # class-level message ids of typed errors: msgid = "..."
                    isinstance(node, ast.Assign)
                    and any(isinstance(t, ast.Name) and t.id == "msgid" for t in node.targets)
                    and isinstance(node.value, ast.Constant)
                    and isinstance(node.value.value, str)
                ):
                    found.setdefault(node.value.value, path)
    return found


@pytest.mark.parametrize("lang", [code for code in LANGUAGES if code != "en"])
def test_catalog_is_complete(lang: str) -> None:
    missing = [
        f"{path.relative_to(REPO)}: {msgid!r}"
        for msgid, path in literal_msgids().items()
        if msgid not in catalog(lang)
    ]
    assert not missing, f"{len(missing)} strings untranslated in {lang}:\n" + "\n".join(missing)


@pytest.mark.parametrize("lang", [code for code in LANGUAGES if code != "en"])
def test_placeholders_survive_translation(lang: str) -> None:
    for msgid, text in catalog(lang).items():
        assert set(PLACEHOLDER.findall(msgid)) == set(PLACEHOLDER.findall(text)), (lang, msgid)


def test_tr_switches_language_and_falls_back() -> None:
    try:
        set_language("ru")
        assert tr("Wrong passphrase.") != "Wrong passphrase."
        assert tr("no such message id") == "no such message id"
        assert is_rtl("ug") and not is_rtl()
    finally:
        set_language("en")
    assert tr("Wrong passphrase.") == "Wrong passphrase."


def test_error_messages_are_translated() -> None:
    from intake.errors import VaultNotFound

    err = VaultNotFound(path="/x")
    assert err.message("en") == "No vault was found in /x."
    assert err.message("kk") != err.message("en") and "/x" in err.message("kk")
