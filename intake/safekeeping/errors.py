"""Typed errors of backups, restores, key shares and the wipe, with messages a volunteer
understands. None of them carries a share's words, a key or a passphrase."""

from __future__ import annotations

from intake.errors import AmanatError
from intake.i18n import N_


class BackupIntoVault(AmanatError):
    msgid = N_(
        "A backup cannot be written into the vault's own folder. Choose another folder,"
        " for example on a USB stick."
    )
    exit_code = 2


class BackupTargetMissing(AmanatError):
    msgid = N_("The folder {path} does not exist or is not a folder.")
    exit_code = 2


class BackupFailed(AmanatError):
    msgid = N_(
        "The backup could not be written to {path} (the medium may be full, write-protected"
        " or unplugged). Nothing half-written was left there."
    )
    exit_code = 1


class NotABackup(AmanatError):
    msgid = N_("No Amanat backup was found in {path}.")
    exit_code = 5


class BackupDamaged(AmanatError):
    msgid = N_("This backup is damaged and was not restored ({reason}).")
    exit_code = 6


class ShareCountInvalid(AmanatError):
    msgid = N_(
        "Choose between 2 and 16 shares, and a threshold between 2 and the number of shares."
    )
    exit_code = 8


class ShareInvalid(AmanatError):
    msgid = N_(
        "Share {number} is not valid: a word is misspelt or missing, or the words are in the"
        " wrong order. Check it against the paper."
    )
    exit_code = 8


class ShareImageUnreadable(AmanatError):
    msgid = N_("No share's QR code could be read in {path}. Type the words instead.")
    exit_code = 8


class ShareDuplicate(AmanatError):
    msgid = N_("Share {number} repeats a share entered before. Each share counts only once.")
    exit_code = 8


class SharesMixed(AmanatError):
    msgid = N_(
        "These shares come from different sets (another vault, or another printing of the"
        " shares). Use shares printed together."
    )
    exit_code = 8


class SharesTooFew(AmanatError):
    msgid = N_("Not enough shares (needed: {needed}, given: {given}).")
    exit_code = 8


class SharesWrongVault(AmanatError):
    msgid = N_("These shares do not belong to the vault in {path}.")
    exit_code = 9


class WipeNotConfirmed(AmanatError):
    msgid = N_("Nothing was wiped: the confirmation word was not typed.")
    exit_code = 2
