"""The typed failures of the vault: wrong passphrase, in use or busy, not found, damaged,
read-only, locked. Messages carry folder paths the user chose and which part is damaged, never
content or passphrases. The base ``AmanatError`` and the errors every room can meet
(``InvalidInput``, ``StorageFull``, ...) stay in intake/errors.py."""

from __future__ import annotations

from intake.errors import AmanatError
from intake.i18n import N_, tr


class WrongPassphrase(AmanatError):
    msgid = N_("Wrong passphrase.")
    exit_code = 3


class VaultInUse(AmanatError):
    msgid = N_(
        "This vault is already open in another Amanat window or process. Close it there first."
    )
    exit_code = 4


class VaultBusy(AmanatError):
    msgid = N_(
        "Another task is still using the vault (for example an import or an export)."
        " Try again when it has finished."
    )
    exit_code = 4


class VaultNotFound(AmanatError):
    msgid = N_("No vault was found in {path}.")
    exit_code = 5


class VaultExists(AmanatError):
    msgid = N_("A vault already exists in {path}.")
    exit_code = 2


class VaultDamaged(AmanatError):
    msgid = N_("The vault is damaged and cannot be opened ({part}).")
    exit_code = 6

    @property
    def part(self) -> str:
        """Which part is damaged: "header" or "database" (only the database can be rescued)."""
        return str(self._values.get("part", ""))

    def message(self, lang: str | None = None) -> str:
        part = self.part
        parts = {"header": tr("header", lang=lang), "database": tr("database", lang=lang)}
        return tr(self._msgid, lang=lang, part=parts.get(part, part))


class VaultNotCreated(AmanatError):
    msgid = N_(
        "A vault cannot be created in {path}: the disk is read-only or the folder cannot be"
        " written. Choose another folder."
    )
    exit_code = 1


class VaultReadOnly(AmanatError):
    msgid = N_(
        "This vault is on a read-only medium (for example a write-protected USB stick): it can"
        " be read, searched, printed and rescued, but not changed. Copy the vault folder to a"
        " writable disk to change it."
    )
    exit_code = 1


class VaultLocked(AmanatError):
    msgid = N_("The vault is locked. Unlock it with the passphrase first.")
    exit_code = 3
