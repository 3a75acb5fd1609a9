"""Typed errors of the drop: what a volunteer or coordinator can meet while sending or fetching.

Messages name the drop's host, fingerprints and file names (all chosen by the coordinator,
never testimony content) and say what to do. Exit codes follow intake/errors.py.
"""

from __future__ import annotations

from intake.errors import AmanatError
from intake.i18n import N_


class TransportError(AmanatError):
    """Base of the drop's errors; ``retry`` says whether trying again later may help."""

    msgid = N_("The drop could not be reached.")
    retry = False


class DropUnreachable(TransportError):
    msgid = N_("Could not connect to the drop at {host}. Check the connection and try again.")
    retry = True


class ConnectionLost(TransportError):
    msgid = N_("The connection to the drop was lost. What arrived is kept; send again to resume.")
    retry = True


class HostKeyMismatch(TransportError):
    msgid = N_(
        "The drop server's key does not match the one the coordinator set "
        "(expected {expected}, got {actual}). Nothing was sent. Someone may be in between: "
        "ask the coordinator before trying again."
    )
    exit_code = 9


class CertificateMismatch(TransportError):
    msgid = N_(
        "The drop server's certificate is not the one the coordinator set, or is not trusted "
        "({detail}). Nothing was sent. Ask the coordinator before trying again."
    )
    exit_code = 9


class AuthenticationFailed(TransportError):
    msgid = N_("The drop refused the login (wrong password or key). Ask the coordinator.")
    exit_code = 10


class DropFolderMissing(TransportError):
    msgid = N_("The folder {folder} does not exist on the drop. Ask the coordinator.")
    exit_code = 8


class DropFull(TransportError):
    msgid = N_(
        "The drop did not accept more data: it is probably full. What arrived is kept; "
        "ask the coordinator to make room, then send again."
    )
    exit_code = 11
    retry = False


class DropRefused(TransportError):
    msgid = N_("The drop refused the request ({detail}).")


class CopyMismatch(TransportError):
    msgid = N_(
        "The copy of {name} on the drop is not the same as the bundle (size or SHA-256). "
        "It was removed; send again."
    )
    exit_code = 9
    retry = True


class Cancelled(TransportError):
    msgid = N_("Stopped. What arrived is kept; send again to resume.")


class InvalidDrop(TransportError):
    msgid = N_("The drop settings are not valid: {reason}")
    exit_code = 8


class NoDrop(TransportError):
    msgid = N_("No drop is set in this vault. Import the drop description from your coordinator.")
    exit_code = 8


class BundleFileGone(AmanatError):
    msgid = N_(
        "The bundle file {path} is missing or was changed, and no copy is kept in the vault. "
        "Export it again."
    )
    exit_code = 9


class OversizedDownload(TransportError):
    msgid = N_(
        "The drop sent more data than the size it listed for a file. The download was "
        "deleted; fetch again later, and tell whoever runs the drop if it happens again."
    )
    exit_code = 9
    retry = True


class DescriptionOutdated(TransportError):
    msgid = N_(
        "This drop description is older ({created}) than the one already set ({current}). It "
        "was not imported: an old description may point to a server that is no longer safe. "
        "Ask the coordinator for the newest one."
    )
    exit_code = 8
