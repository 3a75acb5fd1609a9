"""Make a bundle large enough for record-checking helpers (packaging/smoke.sh, opt-in step).

    .venv/bin/python packaging/large_bundle.py FOLDER

Creates FOLDER/v (volunteer) and FOLDER/c (coordinator) with the tests' cheap key derivation
and passphrase (tests/conftest.py), adds ``record_checks.MIN_RECORDS + 10`` final testimonies
and exports them to FOLDER/b.age, so that importing it with the frozen ``amanat`` starts the
fork server and its helpers from the frozen executable (intake/bundles/record_checks.py).
Prints the passphrase. Fictional data only; about a minute.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from intake.bundles import record_checks
from intake.bundles.export import export_bundle
from intake.cards.registry import own_card
from intake.vault import Vault
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.intake.bundles.vaults import add_final, exchange_cards


def main(folder: Path) -> None:
    volunteer = Vault.create(folder / "v", PASSPHRASE, "volunteer", "V", FAST_KDF)
    coordinator = Vault.create(folder / "c", PASSPHRASE, "coordinator", "C", FAST_KDF)
    exchange_cards(volunteer, coordinator)
    for _ in range(record_checks.MIN_RECORDS + 10):
        add_final(volunteer)
    export_bundle(volunteer, [own_card(coordinator).fingerprint], folder / "b.age")
    volunteer.close()
    coordinator.close()
    print(PASSPHRASE)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
