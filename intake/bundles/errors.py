"""The typed failures of bundle export, verification and import (docs/bundle-format.md §7.10).

One class per failure a person must be able to tell apart, each with a stable ``code`` (the
spec's taxonomy), a plain translated message and the CLI exit code (9 verification failed,
10 not permitted, 7 unsupported). Messages carry member numbers, member names (ids and hashes),
counts and fingerprints, never testimony content.
"""

from __future__ import annotations

from typing import ClassVar

from intake.errors import AmanatError, StorageFull
from intake.i18n import N_
from intake.testimonies.errors import ImportRejected


class BundleError(AmanatError):
    """Base of every failure of a bundle that was read (verify or import)."""

    code: ClassVar[str] = "bundle"
    msgid = N_("This bundle cannot be used.")
    exit_code = 9


class BundleNotAddressed(BundleError):
    code = "not-addressed"
    msgid = N_(
        "This bundle is not addressed to this vault: it was made for another coordinator. "
        "Nothing was imported."
    )
    exit_code = 10


class BundleDamaged(BundleError):
    code = "damaged"
    msgid = N_(
        "This bundle is damaged, incomplete or was changed after it was made. Nothing was "
        "imported. Copy the file again or ask the sender to export it again."
    )


class BundleTruncated(BundleError):
    code = "truncated"
    msgid = N_("This bundle ends too early: part of it is missing. Nothing was imported.")


class BundleTrailingData(BundleError):
    code = "trailing-data"
    msgid = N_("This bundle has extra data after its end: it was changed. Nothing was imported.")


class BundleMalformed(BundleError):
    code = "malformed"
    msgid = N_("This bundle is not built correctly (item {number}: {name}). Nothing was imported.")


class UnsafeMember(BundleError):
    code = "unsafe-member"
    msgid = N_(
        "This bundle contains a forbidden item (item {number}: {kind}). It was rejected and "
        "nothing was imported."
    )


class UnexpectedMember(BundleError):
    code = "unexpected-member"
    msgid = N_(
        "The contents of this bundle do not match its signed list: {problem} (item {number}: "
        "{name}). Nothing was imported."
    )


class MemberSizeMismatch(BundleError):
    code = "size-mismatch"
    msgid = N_(
        "An item in this bundle does not have the size its signed list says (item {number}: "
        "{name}). Nothing was imported."
    )


class MemberHashMismatch(BundleError):
    code = "hash-mismatch"
    msgid = N_(
        "An item in this bundle was changed: its SHA-256 does not match the signed list "
        "(item {number}: {name}). Nothing was imported."
    )


class ManifestInvalid(BundleError):
    code = "manifest-invalid"
    msgid = N_("The list of contents of this bundle is not valid ({reason}). Nothing was imported.")


class BundleLimitExceeded(BundleError):
    code = "limit"
    msgid = N_(
        "This bundle is too large: {what} is over the limit of {limit}. Nothing was imported."
    )


class UnsupportedBundle(BundleError):
    code = "unsupported"
    msgid = N_("This bundle was made by a newer version of Amanat. Please update Amanat.")
    exit_code = 7


class ManifestSignatureInvalid(BundleError):
    code = "bad-signature"
    msgid = N_(
        "The signature of this bundle is not valid: it was changed, or it was not made by the "
        "sender it names. Nothing was imported."
    )


class RecordInvalid(BundleError):
    code = "record-invalid"
    msgid = N_(
        "A testimony in this bundle is not valid (item {number}: {reason}). Nothing was imported."
    )


class UnknownSender(BundleError):
    code = "unknown-sender"
    msgid = N_(
        "This bundle was sent by someone who is not enrolled in this vault (fingerprint "
        "{fingerprint}). Nothing was imported. If you know this volunteer, compare the "
        "fingerprint with them in person or by phone, then run: "
        "amanat card import THEIR-CARD-FILE --verified"
    )
    exit_code = 10


class SenderRevoked(BundleError):
    code = "sender-revoked"
    msgid = N_(
        "This bundle was signed with a revoked card (fingerprint {fingerprint}). "
        "Nothing was imported."
    )
    exit_code = 10


class BundleIdReused(BundleError):
    code = "id-reused"
    msgid = N_(
        "A bundle with the same id was already received from another sender. This one may be "
        "forged or copied. Nothing was imported."
    )


class SenderNotVerified(BundleError):
    code = "sender-unverified"
    msgid = N_(
        "The sender of this bundle (fingerprint {fingerprint}) is enrolled but not verified. "
        "Nothing was imported. Compare the fingerprint with them in person or by phone, then "
        "run: amanat card verify {fingerprint}"
    )
    exit_code = 10


class PreviousVersionMissing(BundleError):
    code = "previous-missing"
    msgid = N_(
        "Item {number} of this bundle is version {version} of testimony {id}, but this vault "
        "does not hold the version before it. Nothing was imported. Import this sender's "
        "earlier bundles first, then this one again (a sealed bundle can be written again "
        "with 'amanat export --resend')."
    )


# ---- export -------------------------------------------------------------------------------


class ExportError(AmanatError):
    """Base of the failures of an export; nothing is written and nothing changes."""

    msgid = N_("The bundle could not be written.")
    exit_code = 1


class NoRecipients(ExportError):
    msgid = N_("Choose at least one coordinator to export to (--to FINGERPRINT).")
    exit_code = 2


class TooManyRecipients(ExportError):
    msgid = N_("A bundle can be addressed to at most {limit} coordinators.")
    exit_code = 2


class RecipientNotUsable(ExportError):
    msgid = N_("Cannot export to {fingerprint}: {reason}")
    exit_code = 10


class NothingToExport(ExportError):
    msgid = N_("There is nothing to export: no finalized testimony was selected.")
    exit_code = 8


class NotExportable(ExportError):
    msgid = N_("Testimony {id} cannot be exported: {reason}")
    exit_code = 8


class OutputExists(ExportError):
    msgid = N_("{path} already exists. Choose another file name.")
    exit_code = 8


class OutputFailed(ExportError):
    msgid = N_("Cannot write {path}. Check that the disk or USB stick is writable and has space.")
    exit_code = 1


class ExportTooLarge(ExportError):
    msgid = N_("This export is too large for one bundle: {what} is over the limit of {limit}.")
    exit_code = 8


class BundleNotFound(ExportError):
    msgid = N_("No sealed bundle {bundle} is kept in this vault.")
    exit_code = 8


class ExportInconsistent(ExportError):
    msgid = N_(
        "The vault changed while the bundle was being written. Nothing was exported; try again."
    )
    exit_code = 1


class ForwardNotAllowed(BundleError):
    """A forwarded bundle (with author cards, §7.13) from a sender this vault did not enroll
    as a coordinator."""

    code = "not-forwarder"
    msgid = N_(
        "This bundle passes on testimonies written by others, but its sender (fingerprint "
        "{fingerprint}) is not enrolled in this vault as a coordinator. Only coordinators can "
        "forward testimonies. Nothing was imported."
    )
    exit_code = 10


class AuthorRevoked(ImportRejected):
    """A forwarded version whose author's card this vault revoked: refused on its own, like
    ``NotTheAuthor`` (§7.13), the rest of the bundle imports."""

    code: ClassVar[str] = "author-revoked"
    msgid = N_(
        "Version {version} of testimony {id} was refused: its author's card (fingerprint "
        "{fingerprint}) is revoked in this vault. Nothing of it was stored."
    )
    exit_code = 10


class NotInQuarantine(AmanatError):
    msgid = N_("This bundle is no longer waiting in the quarantine.")
    exit_code = 8


class FingerprintNotCompared(AmanatError):
    msgid = N_(
        "Compare the fingerprint with the volunteer (in person or by phone) before enrolling them."
    )
    exit_code = 10


class QuarantineBundleTooLarge(AmanatError):
    msgid = N_(
        "This bundle from an unknown sender is too large to wait in the quarantine ({size} MB; "
        "the limit is {limit} MB). Nothing was kept. Enroll the sender's card first, then "
        "import the bundle."
    )
    exit_code = 10


class QuarantineFull(AmanatError):
    msgid = N_(
        "The quarantine is full: bundles from unknown senders already take {used} MB (the limit "
        "is {limit} MB). Nothing was kept. Enroll or discard the waiting bundles first."
    )
    exit_code = 10


class BundleChanged(BundleError):
    code = "changed"
    msgid = N_("This bundle file changed while it was being read. Nothing was kept. Copy it again.")


class NotEnoughSpace(StorageFull):
    msgid = N_(
        "There is not enough free disk space for this: about {needed} are needed and {free}"
        " are free. Nothing was changed; free some space and try again."
    )
