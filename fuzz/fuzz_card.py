"""Fuzz target: an identity card file → CardError only (``crypto.card.parse_card``: JSON,
members, base64, bech32, canonical form, self-signature)."""

from __future__ import annotations

from fuzz.harness import instrumented, run

with instrumented():  # everything that imports crypto/ or intake/
    from crypto.card import parse_card, serialize_card
    from crypto.errors import CardError

NAME = "card"


def check(data: bytes) -> None:
    try:
        card = parse_card(data)
    except CardError:
        return
    assert serialize_card(card) == data, "a card was accepted that is not its own encoding"


if __name__ == "__main__":
    run(check, NAME)
