"""zxcvbn's advice strings, marked for translation so the strength meter speaks every language.

zxcvbn (intake.vault.passphrase) returns its warnings and suggestions in English from a fixed set of
sentences. Each is listed here with ``N_`` so the translation catalogs (and the completeness
test) include it; ``translate_advice`` looks the sentence up at run time and falls back to the
English text for anything a newer zxcvbn adds.
"""

from __future__ import annotations

from intake.i18n import N_, tr

ZXCVBN_MESSAGES = (
    N_("Use a few words, avoid common phrases."),
    N_("No need for symbols, digits, or uppercase letters."),
    N_("Add another word or two. Uncommon words are better."),
    N_("Straight rows of keys are easy to guess."),
    N_("Short keyboard patterns are easy to guess."),
    N_("Use a longer keyboard pattern with more turns."),
    N_('Repeats like "aaa" are easy to guess.'),
    N_('Repeats like "abcabcabc" are only slightly harder to guess than "abc".'),
    N_("Avoid repeated words and characters."),
    N_('Sequences like "abc" or "6543" are easy to guess.'),
    N_("Avoid sequences."),
    N_("Recent years are easy to guess."),
    N_("Avoid recent years."),
    N_("Avoid years that are associated with you."),
    N_("Dates are often easy to guess."),
    N_("Avoid dates and years that are associated with you."),
    N_("This is a top-10 common password."),
    N_("This is a top-100 common password."),
    N_("This is a very common password."),
    N_("This is similar to a commonly used password."),
    N_("A word by itself is easy to guess."),
    N_("Names and surnames by themselves are easy to guess."),
    N_("Common names and surnames are easy to guess."),
    N_("Capitalization doesn't help very much."),
    N_("All-uppercase is almost as easy to guess as all-lowercase."),
    N_("Reversed words aren't much harder to guess."),
    N_("Predictable substitutions like '@' instead of 'a' don't help very much."),
)


def translate_advice(text: str) -> str:
    """``text`` from zxcvbn in the interface language (English when not catalogued)."""
    return tr(text) if text in ZXCVBN_MESSAGES else text
