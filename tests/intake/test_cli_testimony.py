"""Issue 3 "Done when": the example testimony through the CLI, as a volunteer would run it.

The first and last steps run ``amanat`` as a real subprocess; the steps between call the same
``main()`` in-process (same argparse tree and handlers), which keeps the test fast.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from intake.cli.main import main
from tests.conftest import PASSPHRASE, create_closed_vault
from tests.intake.test_cli_vault import amanat
from tests.intake.testimony_fixtures import EXAMPLE_PATH


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """``amanat ARGS`` in this process: (exit code, stdout, stderr)."""
    capsys.readouterr()
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture(autouse=True)
def passphrase(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AMANAT_PASSPHRASE", PASSPHRASE)
    monkeypatch.delenv("AMANAT_LANG", raising=False)


@pytest.fixture
def vault_dir(tmp_path: Path) -> str:
    folder = str(tmp_path / "v")
    create_closed_vault(Path(folder), "volunteer", "Volunteer")
    return folder


def test_example_add_find_finalize_attach_audit(
    vault_dir: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    r = amanat("testimony", "add", "--vault", vault_dir, "--json", str(EXAMPLE_PATH))
    assert r.returncode == 0, r.stderr
    tid = r.stdout.strip()
    assert len(tid) == 36

    for spelling in ("Tursun", "Турсун", "تۇرسۇن", "tuerxun", "Gülnar"):
        code, out, err = run(capsys, "search", spelling, "--vault", vault_dir, "--json")
        assert code == 0, err
        assert [hit["id"] for hit in json.loads(out)] == [tid], spelling
    code, out, _ = run(capsys, "search", "Tursun", "--vault", vault_dir)
    assert tid in out and "Tursun Ablimit" in out

    code, out, err = run(capsys, "testimony", "finalize", tid, "--vault", vault_dir)
    assert code == 0, err
    assert "Finalized and signed version 1." in out

    photo = tmp_path / "id-card.jpg"  # a test fixture file, not product output
    photo.write_bytes(b"\xff\xd8\xff\xe0" + os.urandom(300_000))
    code, out, err = run(capsys, "attach", tid, str(photo), "--vault", vault_dir)
    assert code == 0, err
    assert "image/jpeg" in out

    code, out, err = run(capsys, "testimony", "show", tid, "--vault", vault_dir, "--json")
    assert code == 0, err
    shown = json.loads(out)
    assert shown["status"] == "final" and shown["signature_valid"] is True
    assert shown["content"]["victims"][0]["names"]["arabic"] == "تۇرسۇن ئابلىمىت"
    assert [a["filename"] for a in shown["attachments"]] == ["id-card.jpg"]
    assert len(shown["hash"]) == 64

    code, out, _ = run(capsys, "testimony", "show", tid, "--vault", vault_dir)
    assert "Signature: valid" in out and "Турсун Аблимит" in out

    code, out, _ = run(capsys, "testimony", "list", "--vault", vault_dir, "--json")
    assert [(t["id"], t["status"]) for t in json.loads(out)] == [(tid, "final")]

    r = amanat("audit", "verify", "--vault", vault_dir)
    assert r.returncode == 0, r.stderr
    assert "intact (3 entries checked)" in r.stdout
    code, out, _ = run(capsys, "audit", "verify", "--vault", vault_dir, "--json")
    assert json.loads(out) == {"ok": True, "broken_at": None, "checked": 3}


def test_errors_are_one_translated_line(
    vault_dir: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    partial = tmp_path / "partial.json"
    partial.write_text(json.dumps({"content": {"interview": {"place": "Almaty"}}}))
    r = amanat("testimony", "add", "--vault", vault_dir, "--json", str(partial))
    assert r.returncode == 0, r.stderr
    tid = r.stdout.strip()
    assert "Fix these before finalizing" in r.stderr

    r = amanat("testimony", "finalize", tid, "--vault", vault_dir, env={"AMANAT_LANG": "kk"})
    assert r.returncode == 8
    assert "Traceback" not in r.stderr
    assert r.stderr.splitlines()[-1].startswith("amanat: ")
    assert "Айғақты" in r.stderr  # the summary line in Kazakh (glossary: testimony = айғақ)
    assert r.stderr.count("\n") >= 3  # one line per problem, then the summary

    missing = "00000000-0000-4000-8000-000000000000"
    code, _, err = run(capsys, "testimony", "show", missing, "--vault", vault_dir)
    assert code == 8
    assert err.strip() == f"amanat: No testimony with id {missing} is in this vault."

    not_json = tmp_path / "bad.json"
    not_json.write_text("{")
    code, _, err = run(capsys, "testimony", "add", "--vault", vault_dir, "--json", str(not_json))
    assert code == 8 and err.startswith("amanat: ")

    code, _, err = run(capsys, "search", "x", "--from", "yesterday", "--vault", vault_dir)
    assert code == 8 and "2018-03" in err
