"""The typed failures of cards and the card registry: damaged cards, cards not allowed, unknown
fingerprints. Messages carry reasons and fingerprints, never keys."""

from __future__ import annotations

from intake.errors import AmanatError
from intake.i18n import N_


class InvalidCard(AmanatError):
    msgid = N_("This card is damaged or was changed, and cannot be used ({reason}).")
    exit_code = 9


class CardNotAllowed(AmanatError):
    msgid = N_("This card cannot be added here: {reason}")
    exit_code = 10


class CardNotFound(AmanatError):
    msgid = N_("No card with fingerprint {fingerprint} is known in this vault.")
    exit_code = 8


class InvalidStatement(AmanatError):
    msgid = N_("This key statement is damaged or was changed, and cannot be used ({reason}).")
    exit_code = 9


class StatementNotAllowed(AmanatError):
    msgid = N_("This key statement cannot be accepted here: {reason}")
    exit_code = 10


class StatementConflict(AmanatError):
    msgid = N_(
        "The key {fingerprint} already has another successor. A key can be continued by only "
        "one new key."
    )
    exit_code = 10


class CardPictureUnreadable(AmanatError):
    msgid = N_(
        "No Amanat card was found in this picture. Take the photo straight on, close enough "
        "that the QR code fills most of it, or use the card file."
    )
    exit_code = 8


class CardPictureTooLarge(AmanatError):
    msgid = N_("This picture is too large to be a card's QR code.")
    exit_code = 8
