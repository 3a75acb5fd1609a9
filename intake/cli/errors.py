"""The typed usage errors of the command line's own options (exit code 2); the rooms' errors
are in their own ``errors`` modules."""

from __future__ import annotations

from intake.errors import AmanatError
from intake.i18n import N_


class OneLanguageOnly(AmanatError):
    msgid = N_("A testimony is printed in one language; choose one of {choices}.")
    exit_code = 2


class BadVictimCount(AmanatError):
    msgid = N_("The number of victim blocks must be from 1 to {limit}.")
    exit_code = 2
