"""The installed program: where its files are, how to start its other program, which build it is.

Amanat runs from a source checkout (``./dev``, ``pip install``) or frozen by PyInstaller into
one folder (packaging/amanat.spec, docs/packaging.md). Everything that depends on which of the
two it is lives here: the resource files (``resources``), the command lines that start the
command line or the desktop app (``programs``) and the version and build (``build``).
"""
