"""Dates in right-to-left text on paper: a Uyghur hint shows "2019-03-05", not "05-03-2019".

The blank form's hints hold ISO examples ("2019, 2019-03 or 2019-03-05"). The bidi rules show
digits after Arabic letters right to left as a whole, so unisolated they read "05-03-2019";
intake.i18n.isolate_numbers wraps them in LRI…PDI, which the PDF layout honours.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from intake.forms.definitions import builtin_form
from intake.i18n import LRI, PDI, isolate_numbers
from intake.pdf.bidi_levels import full_embedding_levels, visual_order
from intake.pdf.blank import render_blank_form

from .pdf_probe import pdf_text

HINT = "يىل، يىل ۋە ئاي ياكى تولۇق چېسلا: 2019، 2019-03 ياكى 2019-03-05."
DATES = re.compile(r"\d+(?:-\d+)+")


def shown(text: str) -> list[str]:
    """The dates of ``text`` as a right-to-left line shows them, left to right."""
    order = visual_order(full_embedding_levels(text, 1))
    return DATES.findall("".join(text[i] for i in order))


def test_isolated_dates_keep_their_order_in_a_right_to_left_line() -> None:
    assert shown(HINT) == ["05-03-2019", "03-2019"]  # what the bidi rules alone give
    isolated = isolate_numbers(HINT)
    assert f"{LRI}2019-03-05{PDI}" in isolated and f"{LRI}2019-03{PDI}" in isolated
    assert shown(isolated) == ["2019-03-05", "2019-03"]


def test_the_uyghur_blank_form_prints_iso_dates_readably(tmp_path: Path) -> None:
    out = io.BytesIO()
    render_blank_form(builtin_form(), ["ug"], "a4", out)
    path = tmp_path / "blank-ug.pdf"
    path.write_bytes(out.getvalue())
    dates = DATES.findall(pdf_text(path))
    assert "2019-03-05" in dates and "2019-03" in dates
    assert "05-03-2019" not in dates and "03-2019" not in dates
