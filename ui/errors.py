"""The desktop app's own typed errors: background jobs stopped by a lock or by Cancel.

They are ``AmanatError`` subclasses like the rooms' errors, so dialogs show them the same way
(``ui.dialogs.show_error``); the rooms' errors live in intake/ (intake/errors.py and each
room's ``errors`` module).
"""

from __future__ import annotations

from intake.errors import AmanatError
from intake.i18n import N_


class OperationCancelled(AmanatError):
    """A background job stopped because the vault is being locked."""

    msgid = N_("The operation was stopped because the vault was locked.")


class ExportCancelled(AmanatError):
    """The volunteer pressed Cancel during an export."""

    msgid = N_("The export was cancelled. No file was written.")
