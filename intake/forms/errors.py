"""The typed failures of the forms room: a form definition Amanat cannot use, and a string that
is not a fuzzy date (``DateFormatError``, a ``ValueError`` with a machine ``code`` that
validation turns into a translated problem)."""

from __future__ import annotations

from typing import ClassVar, Literal

from intake.errors import AmanatError
from intake.i18n import N_

DateErrorCode = Literal["format", "year_range", "range_format", "range_empty", "range_order"]


class FormDefinitionError(AmanatError):
    """A form definition file that Amanat cannot use."""

    msgid: ClassVar[str] = N_("The form definition is not valid: {reason}")
    exit_code: ClassVar[int] = 7


class DateFormatError(ValueError):
    """A string that is not a fuzzy date or date range; ``code`` says why."""

    def __init__(self, code: DateErrorCode) -> None:
        super().__init__(code)
        self.code: DateErrorCode = code
