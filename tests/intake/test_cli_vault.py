"""The CLI's vault commands, run as a real subprocess like a volunteer would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from crypto.kdf import MIN_MEMORY_KIB
from tests.conftest import PASSPHRASE, create_closed_vault

GOOD = PASSPHRASE


def amanat(
    *args: str,
    passphrase: str | None = GOOD,
    env: dict[str, str] | None = None,
    stdin: str | None = None,
) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **(env or {})}
    full_env.pop("AMANAT_PASSPHRASE", None)
    if passphrase is not None:
        full_env["AMANAT_PASSPHRASE"] = passphrase
    return subprocess.run(
        [sys.executable, "-m", "intake.cli.main", *args],
        capture_output=True,
        text=True,
        env=full_env,
        input=stdin,
        timeout=120,
        check=False,
    )


def test_init_then_info(tmp_path: Path) -> None:
    vault = str(tmp_path / "v")
    # init always calibrates Argon2id: no variable (the old test switch included) lowers it
    hint = {"AMANAT_KDF_PROFILE": "test"}
    r = amanat("init", "--vault", vault, "--role", "volunteer", "--name", "Айгүл", env=hint)
    assert r.returncode == 0, r.stderr
    assert "Vault created" in r.stdout
    r = amanat("info", "--vault", vault, "--json")
    assert r.returncode == 0, r.stderr
    info = json.loads(r.stdout)
    assert info["role"] == "volunteer" and info["name"] == "Айгүл"
    assert info["kdf"]["memory_kib"] > MIN_MEMORY_KIB
    assert len(info["fingerprint"].replace(" ", "")) >= 30
    r2 = amanat("info", "--vault", vault)
    assert info["fingerprint"] in r2.stdout


def test_wrong_passphrase_is_one_line(tmp_path: Path) -> None:
    vault = str(tmp_path / "v")
    create_closed_vault(Path(vault), "coordinator", "C")
    r = amanat("info", "--vault", vault, passphrase="wrong passphrase entirely")
    assert r.returncode == 3
    assert r.stderr.strip() == "amanat: Wrong passphrase."
    assert "Traceback" not in r.stderr and r.stdout == ""


def test_passphrase_file_and_passwd(tmp_path: Path) -> None:
    vault = str(tmp_path / "v")
    pfile = tmp_path / "pass.txt"
    pfile.write_text(GOOD + "\n")
    r = amanat(
        "init",
        "--vault",
        vault,
        "--role",
        "volunteer",
        "--name",
        "A",
        "--passphrase-file",
        str(pfile),
        passphrase=None,
    )
    assert r.returncode == 0, r.stderr
    new = "seven purple elephants dance quietly"
    r = amanat("passwd", "--vault", vault, env={"AMANAT_NEW_PASSPHRASE": new})
    assert r.returncode == 0, r.stderr
    assert amanat("info", "--vault", vault).returncode == 3
    assert amanat("info", "--vault", vault, passphrase=new).returncode == 0


def test_weak_passphrase_refused(tmp_path: Path) -> None:
    r = amanat(
        "init",
        "--vault",
        str(tmp_path / "v"),
        "--role",
        "volunteer",
        "--name",
        "A",
        passphrase="password1",
    )
    assert r.returncode == 8
    assert "too weak" in r.stderr
    assert not (tmp_path / "v" / "vault.json").exists()


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (("info",), 5),  # vault not found
        (("init", "--role", "boss", "--name", "x"), 2),  # argparse usage error
    ],
)
def test_exit_codes(tmp_path: Path, args: tuple[str, ...], code: int) -> None:
    r = amanat(*args, "--vault", str(tmp_path / "none"))
    assert r.returncode == code
    assert "Traceback" not in r.stderr


def test_no_passphrase_without_terminal(tmp_path: Path) -> None:
    r = amanat("info", "--vault", str(tmp_path), passphrase=None, stdin="")
    # no vault there, so "not found" may come first; with a vault the prompt is refused
    vault = str(tmp_path / "v")
    create_closed_vault(Path(vault))
    r = amanat("info", "--vault", vault, passphrase=None, stdin="")
    assert r.returncode == 2
    assert "AMANAT_PASSPHRASE" in r.stderr


def test_interactive_prompt(tmp_path: Path) -> None:
    """A real terminal prompt (pty): init asks twice, info asks once."""
    import pty
    import select
    import time

    vault = str(tmp_path / "v")

    def run_with_tty(args: list[str], answers: list[str]) -> tuple[int, str]:
        env = {k: v for k, v in os.environ.items() if k != "AMANAT_PASSPHRASE"}
        pid, fd = pty.fork()
        if pid == 0:  # child
            os.execve(sys.executable, [sys.executable, "-m", "intake.cli.main", *args], env)
        output = b""
        pending = list(answers)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 1.0)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 1024)
            except OSError:
                break
            if not chunk:
                break
            output += chunk
            if pending and output.rstrip().endswith(b":"):
                time.sleep(0.5)  # let getpass switch echo off before we type
                os.write(fd, (pending.pop(0) + "\n").encode())
        else:
            os.kill(pid, 9)
        _, status = os.waitpid(pid, 0)
        return os.waitstatus_to_exitcode(status), output.decode(errors="replace")

    code, text = run_with_tty(
        ["init", "--vault", vault, "--role", "volunteer", "--name", "A"], [GOOD, GOOD]
    )
    assert code == 0, text
    code, text = run_with_tty(["info", "--vault", vault], [GOOD])
    assert code == 0, text
    assert "volunteer" in text
    assert GOOD not in text  # no echo


@pytest.mark.parametrize("source", ["environment", "file"])
def test_a_passphrase_of_ten_thousand_characters(tmp_path: Path, source: str) -> None:
    long = ("сегіз ئالتە juniper lantern orbit " * 400)[:10_000]
    new = ("тоғыз orbit ئالتە pebble quietly " * 400)[:10_000]
    vault = str(tmp_path / "v")
    args: tuple[str, ...] = ()
    passphrase: str | None = long
    if source == "file":
        (tmp_path / "pass.txt").write_text(long + "\n", encoding="utf-8")
        args, passphrase = ("--passphrase-file", str(tmp_path / "pass.txt")), None
    r = amanat(
        "init", "--vault", vault, "--role", "volunteer", "--name", "A", *args, passphrase=passphrase
    )
    assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr
    r = amanat(
        "passwd", "--vault", vault, *args, passphrase=passphrase, env={"AMANAT_NEW_PASSPHRASE": new}
    )
    assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr
    assert amanat("info", "--vault", vault, passphrase=new).returncode == 0
    assert amanat("info", "--vault", vault, passphrase=new[:9_999]).returncode == 3
