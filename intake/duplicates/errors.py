"""Typed errors of the coordinator's services: duplicate decisions and data sharing.

Messages name victims only by their reference (``<testimony id>#<position>``) and files only by
the path the user chose; they never quote names or other testimony content.
"""

from __future__ import annotations

from intake.errors import AmanatError
from intake.i18n import N_


class VictimNotFound(AmanatError):
    msgid = N_(
        "No victim {ref} was found. Name a victim as TESTIMONY-ID#N (N counts the victims of "
        "that testimony from 1), or give the testimony id alone when it has one victim."
    )
    exit_code = 8


class SameVictim(AmanatError):
    msgid = N_("Both references name the same victim.")
    exit_code = 8


class PairLinked(AmanatError):
    msgid = N_(
        "These two victims are linked as the same person. Undo the link before dismissing them."
    )
    exit_code = 8


class NoDecision(AmanatError):
    msgid = N_("Nothing was decided about these two victims, so there is nothing to undo.")
    exit_code = 8
