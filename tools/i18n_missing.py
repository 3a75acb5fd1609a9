"""List user-visible strings that a language catalog lacks, as a JSON skeleton to translate.

    .venv/bin/python tools/i18n_missing.py kk [--paths intake/cli ui/]

Prints {"English": ""} for every msgid (tr("…") literal or error ``msgid``) under the given
paths (default: all of intake/ and ui/) that resources/i18n/<lang>/ does not translate yet.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from intake.i18n import catalog
from tests.intake.test_i18n import literal_msgids


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("lang")
    parser.add_argument("--paths", nargs="*", default=["intake", "ui"])
    args = parser.parse_args()
    repo = Path(__file__).resolve().parents[1]
    prefixes = [str((repo / p).resolve()) for p in args.paths]
    known = catalog(args.lang)
    missing = {
        msgid: ""
        for msgid, path in sorted(literal_msgids().items())
        if msgid not in known and any(str(path).startswith(p) for p in prefixes)
    }
    print(json.dumps(missing, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
