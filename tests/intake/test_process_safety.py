"""No plaintext outlives or escapes an Amanat process: no core files (CLI, desktop app, helpers),
no helper processes that survive the import they served, none holding the vault open or the
passphrase in their environment (intake/process_safety.py, intake/bundles/record_checks.py).
Each test runs the real program in a real process and reads what Linux says about it."""

from __future__ import annotations

import contextlib
import ctypes
import os
import resource
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from intake.bundles.export import export_bundle
from intake.cards.registry import own_card
from intake.process_safety import harden_process, secrets_out_of_environment
from intake.vault import Vault
from tests.conftest import FAST_KDF, PASSPHRASE, REPO
from tests.intake.bundles.vaults import add_final, exchange_cards

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")

RECORDS = 12
PR_GET_DUMPABLE = 3
STDIN = ("--passphrase-file", "/dev/stdin")


def _env() -> dict[str, str]:
    return {**os.environ, "AMANAT_PASSPHRASE": PASSPHRASE, "QT_QPA_PLATFORM": "offscreen"}


def _unlimited_cores() -> None:
    """In the child, before the program starts: as a user with ``ulimit -c unlimited``."""
    resource.setrlimit(resource.RLIMIT_CORE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))


def _core_limit(pid: int) -> str:
    for line in Path(f"/proc/{pid}/limits").read_text().splitlines():
        if line.startswith("Max core file size"):
            return " ".join(line.split()[4:6])
    raise AssertionError("no core limit line")


def _wait_for(condition: Callable[[], bool], seconds: float) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def _children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(entry.name))
    return out


def _descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        for child in _children(todo.pop()):
            found.append(child)
            todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_a_crashing_cli_writes_no_core_file(tmp_path: Path) -> None:
    # The command waits for its passphrase on a pipe; it is then crashed with SIGSEGV.
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "intake.cli.main",
            "info",
            "--vault",
            str(tmp_path / "v"),
            "--passphrase-file",
            "/dev/stdin",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        preexec_fn=_unlimited_cores,
    )
    try:
        hardened = _wait_for(lambda: _core_limit(proc.pid) == "0 0", 30)
        assert hardened, f"core limit is {_core_limit(proc.pid)}"
        time.sleep(0.2)
        proc.send_signal(signal.SIGSEGV)
        assert proc.wait(30) == -signal.SIGSEGV
    finally:
        proc.kill()
        proc.wait()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("core")] == []


def test_the_cli_is_not_dumpable() -> None:
    # Non-dumpable: no core-dump handler and no other program of this user reads its memory.
    code = (
        "import atexit, ctypes, sys\n"
        "atexit.register(lambda: print(ctypes.CDLL(None).prctl(3, 0, 0, 0, 0)))\n"
        "sys.argv = ['amanat']\n"
        "from intake.cli.main import run\n"
        "run()\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=False
    )
    assert out.stdout.strip().splitlines()[-1] == "0"


def test_calling_main_in_a_process_leaves_it_as_it_is(capsys: pytest.CaptureFixture[str]) -> None:
    # Tests call main() inside pytest: only the program's entry points harden their process.
    from intake.cli.main import main

    before = resource.getrlimit(resource.RLIMIT_CORE)
    assert main([]) == 2 and "usage" in capsys.readouterr().out
    assert resource.getrlimit(resource.RLIMIT_CORE) == before


def test_the_desktop_app_has_no_core_limit(tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "intake.cli.main", "gui", "--vault", str(tmp_path / "v")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=REPO,
        env=_env(),
        preexec_fn=_unlimited_cores,
    )
    try:
        assert _wait_for(lambda: _core_limit(proc.pid) == "0 0", 60)
    finally:
        proc.kill()
        proc.wait()


def test_harden_process_in_a_child() -> None:
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: harden, report, leave without running pytest's cleanup
        harden_process()
        dumpable = ctypes.CDLL(None).prctl(PR_GET_DUMPABLE, 0, 0, 0, 0)
        os.write(write, f"{dumpable} {resource.getrlimit(resource.RLIMIT_CORE)}".encode())
        os._exit(0)
    os.close(write)
    os.waitpid(pid, 0)
    assert os.read(read, 100).decode() == "0 (0, 0)"
    os.close(read)


def test_secrets_leave_the_environment_only_while_inside(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AMANAT_PASSPHRASE", "x y z")
    with secrets_out_of_environment():
        child = subprocess.run(["env"], capture_output=True, text=True, check=True).stdout
    assert "AMANAT_PASSPHRASE" not in child
    assert os.environ["AMANAT_PASSPHRASE"] == "x y z"


# The importer, slowed down while it stores each record so that its helpers are alive long
# enough to be looked at, with helpers used from the first record on.
SLOW_IMPORT = """
import sys, time
from intake.bundles import importer, record_checks
record_checks.MIN_RECORDS = 1
record_checks.BATCH_RECORDS = 1
record_checks.AHEAD = 1
real = importer.store_version
def slow(*args, **kwargs):
    time.sleep(0.5)
    return real(*args, **kwargs)
importer.store_version = slow
from intake.cli.main import run
sys.argv[1:] = ["import", "--vault", sys.argv[1], sys.argv[2]]
run()
"""


@pytest.fixture(scope="module")
def big_import(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("helpers")
    volunteer = Vault.create(folder / "v", PASSPHRASE, "volunteer", "V", FAST_KDF)
    coordinator = Vault.create(folder / "c", PASSPHRASE, "coordinator", "C", FAST_KDF)
    exchange_cards(volunteer, coordinator)
    for _ in range(RECORDS):
        add_final(volunteer)
    bundle = export_bundle(
        volunteer, [own_card(coordinator).fingerprint], folder / "b.age", selection="new"
    ).path
    volunteer.close()
    coordinator.close()
    return folder / "c", bundle


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM, signal.SIGHUP])
def test_helpers_die_with_the_import_and_hold_nothing(
    big_import: tuple[Path, Path], sig: signal.Signals
) -> None:
    vault, bundle = big_import
    proc = subprocess.Popen(
        [sys.executable, "-c", SLOW_IMPORT, str(vault), str(bundle)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=REPO,
        env=_env(),
    )
    try:
        helpers: list[int] = []

        def found() -> bool:
            helpers[:] = _descendants(proc.pid)  # the fork server and its helpers
            return len(helpers) >= 2

        assert _wait_for(found, 60), _descendants(proc.pid)
        for helper in helpers:
            assert _core_limit(helper) == "0 0"
            environ = Path(f"/proc/{helper}/environ").read_bytes()
            assert b"AMANAT_PASSPHRASE" not in environ and PASSPHRASE.encode() not in environ
            links = []
            for fd in Path(f"/proc/{helper}/fd").iterdir():
                with contextlib.suppress(OSError):
                    links.append(os.readlink(fd))
            assert not [x for x in links if x.startswith(str(vault))], links
        everyone = _descendants(proc.pid)
        proc.send_signal(sig)
        proc.wait(30)
        # gone within moments (well under a second here); 3 s leaves room for a loaded machine
        assert _wait_for(lambda: not any(_alive(p) for p in everyone), 3.0), [
            p for p in everyone if _alive(p)
        ]
    finally:
        proc.kill()
        proc.wait()
    with Vault.open(vault, PASSPHRASE) as opened:  # not "already open"
        assert opened.conn.execute("SELECT count(*) FROM testimonies").fetchone()[0] == 0
