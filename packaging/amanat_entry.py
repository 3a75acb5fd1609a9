"""The one entry script of the frozen build: ``amanat`` (console) and ``amanat-gui`` (windowed).

packaging/amanat.spec builds both executables from this script; each picks its program by its
own file name (intake/install/programs.py, ``program_for``). ``freeze_support`` comes first:
the record-checking fork server (intake/bundles/record_checks.py) and multiprocessing's
resource tracker start this same executable with ``-c 'from multiprocessing... import main'``,
which PyInstaller's multiprocessing hook runs there and then exits.
"""

import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()
    from intake.install.programs import program_for

    if program_for(sys.executable) == "gui":
        from ui.main import gui

        gui()
    else:
        from intake.cli.main import run

        run()
