"""Keep decrypted testimonies and passphrases out of core dumps, helpers and child processes.

Every Amanat process (the ``amanat`` command, the desktop app, the record-checking helpers)
calls ``harden_process`` first thing. A crash then writes no core file (the core size limit is
0) and, on Linux, the process is also marked non-dumpable, so neither a core-dump handler nor
another program of the same user can read its memory (``ptrace``, ``/proc/PID/mem``). On macOS
the core size limit is set to 0 as well; on Windows neither exists: Windows Error Reporting may
keep a crash dump if the machine's administrator configured local dumps (SECURITY.md).

Helper processes call ``die_with_parent`` so that they end within moments of their parent's
death by any signal (``kill -9`` included), and are started from an environment without the
variables that can carry a passphrase (``secrets_out_of_environment``).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
from collections.abc import Iterator

# Variables that may hold a passphrase (intake/cli/common.py reads them): never passed on.
SECRET_ENVIRONMENT = ("AMANAT_PASSPHRASE", "AMANAT_NEW_PASSPHRASE")

_PR_SET_PDEATHSIG = 1  # linux/prctl.h
_PR_SET_DUMPABLE = 4  # linux/prctl.h


def _prctl(option: int, value: int) -> bool:
    """Linux prctl(2); False where it is not available or failed."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return int(libc.prctl(option, value, 0, 0, 0)) == 0
    except (OSError, AttributeError):
        return False


def harden_process() -> None:
    """No core file from this process, and (Linux) no memory readable by other processes."""
    try:
        import resource
    except ImportError:  # Windows
        return
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    _prctl(_PR_SET_DUMPABLE, 0)


def die_with_parent(parent: int) -> None:
    """In a helper process: be killed when the process that started it dies (Linux), and end
    now if ``parent`` (the process the helper works for) is already gone."""
    _prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    try:
        os.kill(parent, 0)
    except ProcessLookupError:
        os._exit(0)
    except OSError:  # alive, but not ours to signal
        pass
    if os.getppid() == 1:  # re-parented: whoever started us has already died
        os._exit(0)


@contextlib.contextmanager
def secrets_out_of_environment() -> Iterator[None]:
    """While inside, the passphrase variables are not in this process's environment, so a
    program or interpreter started meanwhile does not inherit them; they come back after."""
    saved = {name: os.environ.pop(name) for name in SECRET_ENVIRONMENT if name in os.environ}
    try:
        yield
    finally:
        os.environ.update(saved)
