"""The archive's victims column shows the name a search matched in bold, escaped."""

from __future__ import annotations

from ui.coordinator.matched_delegate import highlighted_html


def test_matched_name_is_bold_and_others_are_not() -> None:
    html = highlighted_html("Tursun Memet · تۇرسۇن ئابلىمىت", "تۇرسۇن ئابلىمىت")
    assert html == "Tursun Memet · <b>تۇرسۇن ئابلىمىت</b>"
    assert highlighted_html("Tursun Memet", None) == "Tursun Memet"


def test_names_are_escaped() -> None:
    assert highlighted_html("<i>x</i>", "<i>x</i>") == "<b>&lt;i&gt;x&lt;/i&gt;</b>"
