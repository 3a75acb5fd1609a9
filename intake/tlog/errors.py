"""Typed errors of the transparency log: notes, checkpoints, proofs and the stored log.

Messages name indices, sizes and key names (all public), never testimony content.
"""

from __future__ import annotations

from intake.errors import AmanatError, InvalidInput
from intake.i18n import N_


class LogVerificationFailed(AmanatError):
    """Something that was to prove the log's honesty does not: exit code 9."""

    msgid = N_("The transparency log could not be verified.")
    exit_code = 9


class MalformedNote(LogVerificationFailed):
    msgid = N_("This signed note is damaged: it is not in the signed-note format.")


class NoteNotSigned(LogVerificationFailed):
    msgid = N_("This note carries no signature by the log key {key}.")


class NoteSignatureInvalid(LogVerificationFailed):
    msgid = N_(
        "The signature of the log key {key} on this note does not verify: the note was changed."
    )


class MalformedCheckpoint(LogVerificationFailed):
    msgid = N_("This checkpoint is damaged: it is not in the checkpoint format.")


class CheckpointMismatch(LogVerificationFailed):
    msgid = N_(
        "This checkpoint is not the one expected: its origin, tree size or root hash differ."
    )


class ProofRefused(LogVerificationFailed):
    msgid = N_(
        "The proof does not lead to the checkpoint's root hash: the entry, the proof or the"
        " checkpoint was changed."
    )


class LogDamaged(LogVerificationFailed):
    msgid = N_("The log does not match the stored versions at entry {index}.")


class BadVerifierKey(InvalidInput):
    msgid = N_("This is not a log verifier key (written NAME+KEYID+KEY).")


class NotInLog(InvalidInput):
    msgid = N_("Version {version} of testimony {id} is not in the log (only final versions are).")


class BadTreeSize(InvalidInput):
    msgid = N_("Tree sizes must satisfy 0 ≤ OLD ≤ NEW ≤ {size}, the log's size.")
