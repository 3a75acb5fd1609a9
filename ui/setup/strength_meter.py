"""A passphrase strength meter: a five-step bar, a verdict and zxcvbn's advice, translated.

It only displays ``intake.vault.passphrase.assess``; the policy (what is refused) lives there,
so the CLI and the GUI refuse the same passphrases.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QProgressBar, QVBoxLayout, QWidget

from intake.i18n import tr
from intake.vault.passphrase import MIN_LENGTH, Strength, assess
from ui.setup.passphrase_advice import translate_advice

COLOURS = ("#b3261e", "#b3261e", "#b26a00", "#2e7d32", "#1b5e20")


def verdict(score: int) -> str:
    return (
        tr("Very weak"),
        tr("Weak"),
        tr("Fair"),
        tr("Strong"),
        tr("Very strong"),
    )[max(0, min(4, score))]


class StrengthMeter(QWidget):
    """Shows how strong a passphrase is and how to make it stronger."""

    def __init__(self, parent: QWidget | None = None, reserve_lines: int = 0) -> None:
        super().__init__(parent)
        self.bar = QProgressBar()
        self.bar.setRange(0, 5)  # 0 = nothing typed, 1–5 = zxcvbn score 0–4
        self.bar.setTextVisible(False)
        self.bar.setMaximumHeight(10)
        self.verdict = QLabel()
        self.advice = QLabel()
        self.advice.setWordWrap(True)
        self.advice.setObjectName("helpText")
        self.advice.setAlignment(Qt.AlignmentFlag.AlignLeading | Qt.AlignmentFlag.AlignTop)
        if reserve_lines:  # room kept for the advice, so what follows does not move
            self.advice.setMinimumHeight(reserve_lines * self.advice.fontMetrics().lineSpacing())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.bar)
        layout.addWidget(self.verdict)
        layout.addWidget(self.advice)
        self.strength: Strength = assess("")
        self.update_for("")

    def update_for(self, passphrase: str, user_inputs: tuple[str, ...] = ()) -> Strength:
        """Re-assess ``passphrase`` and redraw; returns the assessment."""
        self.strength = strength = assess(passphrase, user_inputs)
        self.bar.setValue(strength.score + 1 if passphrase else 0)
        colour = COLOURS[strength.score]
        self.bar.setStyleSheet(f"QProgressBar::chunk {{ background: {colour}; }}")
        if not passphrase:
            self.verdict.setText(
                tr(
                    "Use at least four unrelated words, {length} characters or more.",
                    length=MIN_LENGTH,
                )
            )
            self.advice.setText("")
            return strength
        text = verdict(strength.score)
        if not strength.acceptable:
            text = tr("{verdict} — not accepted", verdict=text)
        self.verdict.setText(text)
        self.verdict.setStyleSheet(f"color: {colour}; font-weight: bold;")
        lines = [translate_advice(s) for s in (strength.warning, *strength.suggestions) if s]
        if len(passphrase) < MIN_LENGTH:
            lines.insert(0, tr("Too short: at least {length} characters.", length=MIN_LENGTH))
        self.advice.setText("\n".join(lines))
        return strength
