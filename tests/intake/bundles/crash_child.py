"""Child process for the crash tests: exports or imports, and stops dead halfway.

``python -m tests.intake.bundles.crash_child export VAULT FINGERPRINT OUT`` or
``... import VAULT BUNDLE [bulk]`` (``bulk``: as a large bundle, with a rollback journal).
When the bundle stream is half done it prints ``halfway`` and sleeps, so the parent can kill
it with SIGKILL at a known point.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from intake.bundles import importer
from intake.bundles.export import export_bundle
from intake.vault import Vault
from tests.conftest import PASSPHRASE


def _halfway(done: int, total: int) -> None:
    if done * 2 >= total:
        print("halfway", flush=True)
        time.sleep(120)


def main(argv: list[str]) -> None:
    mode, vault_dir = argv[0], Path(argv[1])
    vault = Vault.open(vault_dir, PASSPHRASE)
    if mode == "export":
        export_bundle(vault, [argv[2]], Path(argv[3]), selection="all-final", progress=_halfway)
    else:
        if argv[3:] == ["bulk"]:
            importer.BULK_BYTES = 0  # type: ignore[attr-defined]
        importer.import_bundle(vault, Path(argv[2]), progress=_halfway)
    print("finished", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
