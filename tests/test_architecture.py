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


def _module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _runtime_imports(path: Path, modules: set[str]) -> set[str]:
    """The project modules ``path`` imports, at any depth (functions too: a lazy import can
    hide a cycle), except under ``if TYPE_CHECKING:`` (never run). ``from pkg import mod``
    counts as importing ``pkg.mod``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(n) for child in node.body for n in ast.walk(child))
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name in modules)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            subs = {f"{node.module}.{a.name}" for a in node.names} & modules
            if subs:
                found |= subs
            elif node.module in modules:
                found.add(node.module)
    return found


@pytest.mark.parametrize("package", PACKAGES)
def test_no_import_cycles(package: str) -> None:
    files = _files(package)
    modules = {_module_name(p) for p in files}
    graph = {_module_name(p): _runtime_imports(p, modules) - {_module_name(p)} for p in files}
    done: set[str] = set()

    def visit(node: str, path: list[str]) -> None:
        if node in path:
            raise AssertionError("import cycle: " + " -> ".join([*path[path.index(node) :], node]))
        if node in done:
            return
        for nxt in sorted(graph[node]):
            visit(nxt, [*path, node])
        done.add(node)

    for start in sorted(graph):
        visit(start, [])


def test_intake_reads_as_a_handful_of_concept_packages() -> None:
    loose = sorted(p.name for p in (REPO / "intake").glob("*.py") if p.name != "__init__.py")
    assert loose == ["content_caches.py", "demo.py", "errors.py", "i18n.py", "process_safety.py"]


def test_qt_free_tests_import_nothing_from_the_gui_tests() -> None:
    for folder in ("intake", "crypto"):
        for path in sorted((REPO / "tests" / folder).rglob("*.py")):
            for name in _imports(path):
                assert not name.startswith(("tests.ui", "ui", "PySide6", "pytestqt")), (
                    f"{path} imports {name}"
                )


def _class_bases() -> dict[tuple[Path, str], set[str]]:
    """Every class defined in intake/ and ui/ (at any depth), with the names of its bases."""
    found: dict[tuple[Path, str], set[str]] = {}
    for package in ("intake", "ui"):
        for path in _files(package):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.ClassDef):
                    bases = {ast.unparse(b).rsplit(".", 1)[-1] for b in node.bases}
                    found[(path, node.name)] = bases
    return found


def test_typed_errors_live_in_errors_modules() -> None:
    """One ``errors`` module per package: every AmanatError subclass (however indirect) is
    defined in a file named errors.py, so a newcomer finds a room's failures in one place."""
    classes = _class_bases()
    errors = {"AmanatError"}
    grew = True
    while grew:  # names of classes that derive from AmanatError, through any chain of bases
        more = {name for (_path, name), bases in classes.items() if bases & errors}
        grew = not more <= errors
        errors |= more
    misplaced = sorted(
        f"{path.relative_to(REPO)}: {name}"
        for (path, name) in classes
        if name in errors and path.name != "errors.py"
    )
    assert misplaced == []
    assert len(errors) > 40  # the check saw the rooms' errors (and would see a stray one)


# What ui/ may import from intake/ besides the application core (intake.core.*), translation
# (intake.i18n) and typed errors (intake.errors, intake.<room>.errors). Everything that reads
# or changes a vault goes through ``session.core``; each name below says why it is not a call
# into a room.
UI_MAY_IMPORT: dict[str, set[str]] = {
    # plain data types (frozen dataclasses, a Literal) that the core returns or takes and
    # widgets display or fill in; they hold values and run no query
    "intake.testimonies.store": {"Testimony", "TestimonySummary", "VersionInfo"},
    "intake.testimonies.attachments": {"AttachmentInfo"},
    "intake.duplicates.finder": {"Candidate"},
    # why a candidate pair was proposed, in words (a pure function of the candidate, no vault)
    "intake.duplicates.explain": {"explain"},
    "intake.bundles.importer": {"BundleReport"},
    "intake.bundles.quarantine": {"WaitingBundle"},
    "intake.bundles.export": {"ExportResult", "Selection"},
    "intake.safekeeping.backup": {"BackupResult"},
    "intake.transport.outbox": {"SendResult"},
    "intake.cards.cardfile": {
        "MAX_CARD_FILE",
        "read_card_file",  # pure: a card file's bytes -> the checked card and its statements
        "report_lines",  # pure: what a card file's statements did, as sentences
    },
    "intake.cards.registry": {
        "KnownCard",
        "parse",  # pure: a card file's bytes -> a checked Card (InvalidCard); stores nothing
    },
    "intake.sharing.export": {
        "ShareOptions",
        "ShareReport",
        "risk_warnings",  # pure: the sentences that warn about chosen ShareOptions
    },
    "intake.testimonies.archive": {
        "ArchiveQuery",
        "Page",
        "differences",  # pure: what changed between two contents (the versions tab)
    },
    "intake.vault.rescue": {
        "RescueReport",
        "report_lines",  # pure: a rescue report as lines to read
    },
    "intake.vault.passphrase": {
        "Strength",
        "MIN_LENGTH",
        "assess",  # pure: rates a passphrase as it is typed (the core refuses weak ones)
    },
    # the form definition the editor and the archive filters are built from: data read from
    # resources/forms/ (no vault), its constants, and the definition of a stored form reference
    "intake.forms.definitions": {
        "FieldDef",
        "FormDefinition",
        "SectionDef",
        "builtin_form",
        "HOMETOWN_LEVELS",
        "HOMETOWN_NAMES",
        "NAME_SCRIPTS",
    },
    "intake.testimonies.content": {"form_for"},
    # pure functions of a form and a content (no vault, no file, no state): the editor tidies
    # and checks what is typed before it asks the core to save
    "intake.forms.normalization": {"normalize_content"},
    "intake.forms.validation": {"Problem", "has_errors", "validate_content"},
    # pure rendering for people (the record view, ``amanat testimony show`` and the PDF share
    # it): a content and its form -> sections of labelled values, the fields two versions
    # differ in, a victim's display name, a repeated section's heading, a size in words
    "intake.testimonies.render": {
        "RenderedSection",
        "render_content",
        "changed_fields",
        "display_name",
        "item_heading",
        "size_text",
    },
    # the review levels (constants) and their labels, and a review rendered as a section; the
    # reviews themselves are read and written through ``session.core.reviews``
    "intake.review.store": {"LEVELS", "DEFAULT_LEVEL", "level_label"},
    "intake.review.view": {"review_section"},
    "intake.vault.app_settings": {"MIN_AUTOLOCK_MINUTES", "MAX_AUTOLOCK_MINUTES"},  # limits
    "intake.process_safety": {"harden_process"},  # at start-up, before any vault: no core file
}
# for annotations only (under ``if TYPE_CHECKING:``): the session holds the open vault to
# build ``AmanatCore`` from it
UI_MAY_IMPORT_FOR_TYPES: dict[str, set[str]] = {"intake.vault": {"Vault"}}


def _intake_imports(path: Path) -> list[tuple[str, str, bool]]:
    """(module, name, only for type checking) of every import from intake/ in ``path``;
    ``import intake.x`` gives name ``*``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            typing_only.update(id(n) for child in node.body for n in ast.walk(child))
    found: list[tuple[str, str, bool]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [
                (a.name, "*", id(node) in typing_only)
                for a in node.names
                if a.name.split(".")[0] == "intake"
            ]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "intake":
            found += [(str(node.module), a.name, id(node) in typing_only) for a in node.names]
    return found


def _ui_may_import(module: str, name: str, typing_only: bool) -> bool:
    parts = module.split(".")
    if parts[:2] == ["intake", "core"] or module == "intake.i18n" or parts[-1] == "errors":
        return True
    if module == "intake" and name in {"core", "i18n", "errors"}:
        return True
    if name in UI_MAY_IMPORT.get(module, set()):
        return True
    return typing_only and name in UI_MAY_IMPORT_FOR_TYPES.get(module, set())


def test_the_gui_calls_the_core_not_the_rooms() -> None:
    """ui/ imports from intake/ only the core, translation, errors and the listed data types
    and pure functions, so a screen cannot start reading or changing a vault on its own."""
    refused = sorted(
        f"{path.relative_to(REPO)}: {module}.{name}"
        for path in _files("ui")
        for module, name, typing_only in _intake_imports(path)
        if not _ui_may_import(module, name, typing_only)
    )
    assert refused == []


def test_the_ui_import_check_refuses_a_room_call(tmp_path: Path) -> None:
    room_call = tmp_path / "screen.py"
    room_call.write_text(
        "from typing import TYPE_CHECKING\n"
        "from intake.bundles import quarantine\n"
        "from intake.bundles.quarantine import WaitingBundle, waiting_bundles\n"
        "import intake.vault\n"
        "if TYPE_CHECKING:\n"
        "    from intake.vault import Vault\n"
        "from intake.vault import Vault as V\n",
        encoding="utf-8",
    )
    verdicts = {(m, n, t): _ui_may_import(m, n, t) for m, n, t in _intake_imports(room_call)}
    assert verdicts == {
        ("intake.bundles", "quarantine", False): False,
        ("intake.bundles.quarantine", "WaitingBundle", False): True,
        ("intake.bundles.quarantine", "waiting_bundles", False): False,
        ("intake.vault", "*", False): False,
        ("intake.vault", "Vault", True): True,
        ("intake.vault", "Vault", False): False,
    }
