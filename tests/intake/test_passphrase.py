"""The passphrase policy: zxcvbn plus rules against names and repeated words."""

from __future__ import annotations

import pytest

from intake.vault.passphrase import assess


@pytest.mark.parametrize(
    ("passphrase", "name", "ok"),
    [
        ("correct horse battery staple", "", True),
        ("Xk9#mQ2$vL7p!w", "", True),
        ("тау өзен алма жаңбыр", "", True),
        ("aigul aigul", "Aigul", False),
        ("aigul aigul aigul aigul", "Aigul", False),
        ("password1", "", False),
        ("short", "", False),
        ("", "", False),
    ],
)
def test_policy(passphrase: str, name: str, ok: bool) -> None:
    strength = assess(passphrase, (name,) if name else ())
    assert strength.acceptable is ok
    if not ok and passphrase:
        assert strength.score < 3 or len(passphrase) < 10


@pytest.mark.parametrize("length", [72, 73, 129, 10_000])
def test_long_passphrases_are_assessed(length: int) -> None:
    # zxcvbn 4.5 raises ValueError beyond 72 characters; long passphrases are what we advise.
    words = "ортақ ئامانەت 吐尔逊 juniper lantern orbit pebble "
    passphrase = (words * (length // len(words) + 1))[:length]
    strength = assess(passphrase)
    assert strength.acceptable and strength.score >= 3
