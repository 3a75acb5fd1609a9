"""The printed paper key: one page per share, every interface language printable (Uyghur
shaped, Chinese in the bundled CJK font), the words and the vault id on every page."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest

from intake.i18n import LANGUAGES
from intake.safekeeping.paper_key import split_data_key
from intake.safekeeping.shares_pdf import render_shares_pdf, write_shares_pdf

VAULT_ID = "9f3c1a2b-1111-4222-8333-444455556666"
SHARES = split_data_key(bytes(range(32)), 3, 4)


@pytest.mark.parametrize("lang", sorted(LANGUAGES))
def test_every_language_prints(lang: str) -> None:
    out = io.BytesIO()
    langs = (lang,) if lang == "en" else (lang, "en")
    assert render_shares_pdf(SHARES, 3, VAULT_ID, out, langs=langs) == 4  # UnprintableText else
    assert out.getvalue().startswith(b"%PDF")


def test_pages_carry_words_id_and_threshold(tmp_path: Path) -> None:
    pdf = tmp_path / "key.pdf"
    write_shares_pdf(pdf, SHARES, 3, VAULT_ID, langs=("en",))
    assert pdf.stat().st_mode & 0o077 == 0
    assert not list(tmp_path.glob("*.part"))
    for page, share in enumerate(SHARES, start=1):
        text = subprocess.run(
            ["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert f"share {page} of 4" in text
        assert "3 of 4" in text
        assert VAULT_ID in text
        assert all(word in text for word in share.split())
    from intake.bundles.errors import OutputExists

    with pytest.raises(OutputExists):  # never replaced unless asked
        write_shares_pdf(pdf, SHARES, 3, VAULT_ID, langs=("en",))
