"""Passphrase strength policy, shared by the CLI and the GUI.

Strength is estimated with zxcvbn (a maintained estimator). A passphrase is accepted when it
has at least ``MIN_LENGTH`` characters and zxcvbn scores it at least ``MIN_SCORE`` (0–4).
Advice strings come from zxcvbn in English; the GUI shows a translated summary beside them.
Only the first ``MAX_ESTIMATED`` characters are estimated: long passphrases are what Amanat
recommends, and any length is accepted (the whole passphrase goes to Argon2id).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from intake.i18n import tr

MIN_LENGTH = 10  # short passphrases fall to offline guessing even behind Argon2id
MIN_SCORE = 3  # zxcvbn 3 = "safely unguessable: moderate protection from offline attacks"
MAX_ESTIMATED = 72  # zxcvbn 4.5 refuses longer input (ValueError); the tail only adds strength
MIN_DISTINCT = 8  # characters left after dropping the user's own name and repeated words


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
    from zxcvbn import zxcvbn  # on first use: its dictionaries take about 0.1 s to load

    result = zxcvbn(passphrase[:MAX_ESTIMATED], user_inputs=list(user_inputs))
    score = int(result["score"])
    if len(passphrase) >= 20 and score >= 2:
        score = max(score, 3)  # zxcvbn underrates long multi-word passphrases slightly
    feedback = result.get("feedback", {})
    warning = str(feedback.get("warning") or "")
    if _distinct_length(passphrase, user_inputs) < MIN_DISTINCT:
        # zxcvbn's Python port rates "aigul aigul" as strong; repeats and names add nothing
        score = min(score, 1)
        warning = tr("Do not use your own name, and do not repeat words.")
    acceptable = len(passphrase) >= MIN_LENGTH and score >= MIN_SCORE
    return Strength(
        score=score,
        acceptable=acceptable,
        warning=warning,
        suggestions=tuple(str(s) for s in feedback.get("suggestions", [])),
    )


def _distinct_length(passphrase: str, user_inputs: tuple[str, ...]) -> int:
    """Length of the passphrase's words after removing repeats and words of ``user_inputs``."""
    known = {w for text in user_inputs for w in re.split(r"\W+", text.casefold()) if w}
    seen: list[str] = []
    for word in re.split(r"\W+", passphrase.casefold()):
        if word and word not in known and word not in seen:
            seen.append(word)
    return sum(len(w) for w in seen)
