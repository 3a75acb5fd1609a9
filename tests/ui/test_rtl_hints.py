"""ISO dates in Uyghur hints and problems on screen: "2019-03-05" stays "2019-03-05".

Right-to-left text shows the digits of an unisolated "2019-03-05" after Arabic letters as
"05-03-2019" (and "2019-03" as "03-2019"; tests/intake/pdf/test_rtl_dates.py shows it with the
bidi algorithm). The editor wraps them in LRI … PDI (U+2066 … U+2069) like the printed form.
"""

from __future__ import annotations

import re

from pytestqt.qtbot import QtBot

from intake.forms.definitions import builtin_form
from intake.i18n import LRI, PDI, set_language
from ui.editor.compound_fields import make_field

ISO = re.compile(r"\d{4}(?:-\d\d){1,2}")


def _unisolated(text: str) -> list[str]:
    """ISO dates in ``text`` that are not wrapped in LRI … PDI."""
    return [
        m.group(0)
        for m in ISO.finditer(text)
        if text[m.start() - 1 : m.start()] != LRI or text[m.end() : m.end() + 1] != PDI
    ]


def test_uyghur_date_hints_are_isolated_left_to_right(qtbot: QtBot) -> None:
    set_language("ug")
    form = builtin_form()
    fields = [f for s in form.sections for f in s.fields if ISO.search(f.help_in("ug"))]
    assert fields, "no Uyghur hint with an ISO example left to check"
    examples: set[str] = set()
    for fdef in fields:
        editor = make_field(fdef, form)
        qtbot.addWidget(editor)
        shown = editor.help_label.text()
        assert ISO.search(shown) and _unisolated(shown) == [], fdef.id
        examples.update(ISO.findall(shown))
    assert {"2019-03", "2019-03-05"} <= examples  # the fuzzy-date hint of the issue


def test_uyghur_problems_isolate_their_dates(qtbot: QtBot) -> None:
    set_language("ug")
    form = builtin_form()
    fdef = next(f for s in form.sections for f in s.fields if f.type == "date_range")
    editor = make_field(fdef, form)
    qtbot.addWidget(editor)
    editor.set_problems([("error", "چېسلا 2019-03-05 دىن كېيىن، 2019-03 دىن بۇرۇن")])
    shown = editor.problem_label.text()
    assert ISO.findall(shown) == ["2019-03-05", "2019-03"] and _unisolated(shown) == []
