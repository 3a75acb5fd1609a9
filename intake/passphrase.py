"""Passphrase strength policy, shared by the CLI and the GUI.

Strength is estimated with zxcvbn (a maintained estimator). A passphrase is accepted when it
has at least ``MIN_LENGTH`` characters and zxcvbn scores it at least ``MIN_SCORE`` (0–4).
Advice strings come from zxcvbn in English; the GUI shows a translated summary beside them.
"""

from __future__ import annotations

from dataclasses import dataclass

from zxcvbn import zxcvbn

MIN_LENGTH = 10  # short passphrases fall to offline guessing even behind Argon2id
MIN_SCORE = 3  # zxcvbn 3 = "safely unguessable: moderate protection from offline attacks"
MAX_ESTIMATED = 128  # zxcvbn is slow on long input; the tail adds strength anyway


@dataclass(frozen=True)
class Strength:
    score: int  # 0 (very weak) … 4 (strong)
    acceptable: bool
    warning: str
    suggestions: tuple[str, ...]


def assess(passphrase: str, user_inputs: tuple[str, ...] = ()) -> Strength:
    """Estimate ``passphrase``; ``user_inputs`` (e.g. the display name) count as guessable."""
    if not passphrase:
        return Strength(0, False, "", ())
    result = zxcvbn(passphrase[:MAX_ESTIMATED], user_inputs=list(user_inputs))
    score = int(result["score"])
    if len(passphrase) >= 20 and score >= 2:
        score = max(score, 3)  # zxcvbn underrates long multi-word passphrases slightly
    feedback = result.get("feedback", {})
    acceptable = len(passphrase) >= MIN_LENGTH and score >= MIN_SCORE
    return Strength(
        score=score,
        acceptable=acceptable,
        warning=str(feedback.get("warning") or ""),
        suggestions=tuple(str(s) for s in feedback.get("suggestions", [])),
    )
