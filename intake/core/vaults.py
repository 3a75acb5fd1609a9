"""Use cases before a vault is open: where it lives, creating it, unlocking it, rescuing a
damaged one, the demo.

Key derivation costs are chosen here and nowhere else. A new vault calibrates Argon2id on this
machine (about 0.5 to 1 s, crypto/kdf.py) unless the caller passes ``kdf``: tests pass a cheap
cost explicitly; nothing is read from the environment, so nothing in the field can lower it.
The demo uses the minimum Argon2id cost on purpose (``create_demo``): its passphrase is printed
on screen and its data is fictional. Nothing heavy is imported at module level: the CLI imports
this module to build its parser (docs/performance.md, "Start-up").
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from crypto.kdf import Argon2Params
    from intake.demo import Demo, DemoProgress
    from intake.vault import Vault
    from intake.vault.rescue import RescueReport


def default_vault_dir() -> Path:
    """Where the vault lives when no folder is given (the per-user data folder)."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("Amanat", appauthor=False)) / "vault"


def is_vault(folder: Path) -> bool:
    """True when ``folder`` holds a vault (its header file is there)."""
    from intake.vault import is_vault as has_header

    return has_header(folder)


def create_vault(
    folder: Path, passphrase: str, role: str, name: str, *, kdf: Argon2Params | None = None
) -> Vault:
    """A new vault in ``folder``; ``kdf`` None calibrates Argon2id on this machine."""
    from intake.vault import Vault

    return Vault.create(folder, passphrase, role, name, kdf)


def unlock_vault(folder: Path, passphrase: str) -> Vault:
    """The vault in ``folder``, unlocked (typed errors: wrong passphrase, in use, damaged).

    A search index written by older name rules is rebuilt here, once (a one-time cost of
    about a second per few thousand testimonies; docs/vault-format.md, "Search index")."""
    from intake.testimonies.index import index_is_stale
    from intake.vault import Vault

    vault = Vault.open(folder, passphrase)
    try:
        if index_is_stale(vault):
            from intake.testimonies.store import TestimonyStore

            TestimonyStore(vault).refresh_index()
    except BaseException:
        vault.close()
        raise
    return vault


def rescue_vault(
    source: Path,
    target: Path,
    passphrase: str,
    progress: Callable[[int], None] | None = None,
) -> RescueReport:
    """Copy what can be read of the damaged vault in ``source`` into a new vault in
    ``target`` (the damaged vault is not changed; intake/vault/rescue.py); ``progress``
    gets a percentage."""
    from intake.vault.rescue import rescue_vault as rescue

    return rescue(source, target, passphrase, progress)


def check_new_passphrase(passphrase: str, name: str = "") -> None:
    """Refuse a weak passphrase for a new vault or a passphrase change (zxcvbn's advice)."""
    from intake.errors import InvalidInput
    from intake.i18n import tr
    from intake.vault.passphrase import assess

    strength = assess(passphrase, (name,) if name else ())
    if not strength.acceptable:
        advice = " ".join(filter(None, [strength.warning, *strength.suggestions]))
        raise InvalidInput(
            reason=tr(
                "the passphrase is too weak. Use at least four unrelated words. {advice}",
                advice=advice,
            )
        )


def demo_passphrase() -> str:
    """The passphrase of every demo vault (shown on screen; the data is fictional)."""
    from intake.demo import DEMO_PASSPHRASE

    return DEMO_PASSPHRASE


def new_demo_folder() -> Path:
    """A new, empty folder for the demo vaults (a temporary one: never the real vault's)."""
    import tempfile

    return Path(tempfile.mkdtemp(prefix="amanat-demo-"))


def demo_passphrase_for(vault_path: Path) -> str | None:
    """The demo passphrase if ``vault_path`` is one of the demo vaults (shown on the unlock
    screen), else None."""
    from intake.demo import demo_passphrase_for as passphrase_for

    return passphrase_for(vault_path)


def other_demo_vault(vault_path: Path) -> tuple[str, Path] | None:
    """For one demo vault, the other one's role and folder (to switch roles), else None."""
    from intake.demo import other_demo_vault as other

    return other(vault_path)


def create_demo(folder: Path, progress: DemoProgress | None = None) -> Demo:
    """The demo vaults (fictional testimonies, shared passphrase shown on screen) in ``folder``:
    a volunteer's, and a coordinator's that already received the volunteer's final testimonies.

    They are made with the minimum Argon2id cost, a low fixed cost on purpose: the demo
    passphrase is shown on screen and written beside the demo vaults, so a higher cost would
    protect nothing and only make the demo wait."""
    from crypto.kdf import MIN_ITERATIONS, MIN_MEMORY_KIB, Argon2Params
    from intake.demo import create_demo as make

    return make(
        folder, Argon2Params(memory_kib=MIN_MEMORY_KIB, iterations=MIN_ITERATIONS), progress
    )
