"""The typed failures of printing: characters no bundled font has, unknown paper sizes and form
languages (and ``BlockTooTall``, a programming error of a form builder). Importing this module
loads no PDF stack."""

from __future__ import annotations

from intake.errors import AmanatError
from intake.i18n import N_, ntr


class UnprintableText(AmanatError):
    """Some characters have no glyph in any bundled font.

    The message gives only the count (testimony text never goes into a message); the characters
    themselves are in ``missing`` for a caller that shows them on screen.
    """

    msgid = N_("Some characters cannot be printed: no font bundled with Amanat has them.")
    exit_code = 8

    def __init__(self, missing: frozenset[str]) -> None:
        self.missing = missing
        super().__init__()

    def message(self, lang: str | None = None) -> str:
        return ntr(
            "{n} character cannot be printed: no font bundled with Amanat has it.",
            "{n} characters cannot be printed: no font bundled with Amanat has them.",
            len(self.missing),
            lang=lang,
        )


class UnsupportedPaper(AmanatError):
    msgid = N_("Unknown paper size {paper}. Use a4 or letter.")
    exit_code = 2


class BlockTooTall(ValueError):
    """A block higher than a page body: a programming error in the form builder."""


class UnsupportedFormLanguage(AmanatError):
    msgid = N_("Forms can be printed in {choices}, not in {code}.")
    exit_code = 2


class TooManyFormLanguages(AmanatError):
    msgid = N_("A printed form can show one or two languages, not {count}.")
    exit_code = 2
