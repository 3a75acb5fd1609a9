"""Fuzz target: what a scanner reads from a card's QR code → InvalidCard only.

The only QR payload Amanat reads is a card (intake/cards/qr.py encodes the card file byte for byte);
the QR codes on printed forms and testimonies are for people and scanners to match paper to a
record, and Amanat parses none of them. So this target is the card as the app receives it,
``intake.cards.registry.parse``, limited to what a QR code holds (2,953 bytes in byte mode).
"""

from __future__ import annotations

from fuzz.harness import instrumented, run

with instrumented():  # everything that imports crypto/ or intake/
    from intake.cards.errors import InvalidCard
    from intake.cards.registry import parse

NAME = "qr_payload"
QR_CAPACITY = 2953  # bytes of a version 40 code, error correction L


def check(data: bytes) -> None:
    try:
        parse(data[:QR_CAPACITY])
    except InvalidCard as exc:
        exc.message("en")  # the message a volunteer sees must format


if __name__ == "__main__":
    run(check, NAME)
