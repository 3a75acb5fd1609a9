"""Typed errors that a volunteer or coordinator can meet, with plain messages.

Every expected failure in intake/ raises a subclass of ``AmanatError``. Its message is an English
message id translated through ``intake.i18n.tr`` when shown, and never contains testimony
content, names, keys or passphrases (only counts, file names the user chose, and fingerprints).
The CLI maps ``exit_code`` to its documented exit status; the GUI shows ``message()`` in a dialog.
This module holds the base class and the errors any room can meet; each room's own errors are in
its ``errors`` module (``intake.vault.errors``, ``intake.bundles.errors``, ...).
"""

from __future__ import annotations

from typing import Any, ClassVar

from intake.i18n import N_, tr


class AmanatError(Exception):
    """Base of every expected failure. Subclasses set ``msgid`` and ``exit_code``."""

    msgid: ClassVar[str] = N_("Something went wrong.")
    exit_code: ClassVar[int] = 1

    def __init__(self, msgid: str | None = None, **values: Any) -> None:
        self._msgid = msgid or self.msgid
        self._values = values
        super().__init__(self.message("en"))

    def message(self, lang: str | None = None) -> str:
        """The message in ``lang`` (default: the current interface language)."""
        return tr(self._msgid, lang=lang, **self._values)


# Exit codes (documented in README and `amanat --help`):
#   0 ok · 1 other error · 2 usage · 3 wrong passphrase · 4 vault in use · 5 vault not found
#   6 vault damaged · 7 unsupported format · 8 invalid input · 9 verification failed
#   10 not permitted (unknown / revoked / unverified key) · 11 disk full


class UsageError(AmanatError):
    msgid = N_("The command was not used correctly.")
    exit_code = 2


class UnsupportedFormat(AmanatError):
    msgid = N_("This vault or file was made by a newer version of Amanat. Please update Amanat.")
    exit_code = 7


class InvalidInput(AmanatError):
    msgid = N_("The input is not valid: {reason}")
    exit_code = 8


class StorageFull(AmanatError):
    msgid = N_("The disk is full. Nothing was lost; free some space and try again.")
    exit_code = 11
