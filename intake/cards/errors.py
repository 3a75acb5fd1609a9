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
