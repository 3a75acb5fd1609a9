"""Which Amanat this is: its version and build (source or frozen, and the commit when known).

A packaged build carries ``resources/build.json`` (written by packaging/amanat.spec at package
time: version, commit, build date); from source the version is the installed package's and
the commit is asked of git only when the tree is a git checkout (a few milliseconds, only for
``amanat --version`` and About). Nothing here is imported on a normal start.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from intake.install.resources import is_frozen, resource, resources_folder

BUILD_FILE = "build.json"  # in resources/, written only into a packaged build


@dataclass(frozen=True)
class BuildInfo:
    version: str
    kind: str  # "source" or "frozen"
    commit: str | None

    def describe(self) -> str:
        """``0.1.0 (frozen, commit 1a2b3c4d)``: the line ``--version`` and About show."""
        build = self.kind if self.commit is None else f"{self.kind}, commit {self.commit}"
        return f"{self.version} ({build})"


def _package_version() -> str:
    from importlib import metadata

    try:
        return metadata.version("amanat")
    except metadata.PackageNotFoundError:
        return "unknown"


def _source_commit(root: Path) -> str | None:
    """The checked-out commit of a source tree, or None (no git, not a checkout)."""
    git = shutil.which("git")
    if git is None or not (root / ".git").exists():
        return None
    try:
        done = subprocess.run(
            [git, "-C", str(root), "rev-parse", "--short=12", "HEAD"],
            capture_output=True,
            text=True,
            timeout=2,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    commit = done.stdout.strip()
    return commit if done.returncode == 0 and commit else None


def _read_build_file(path: Path) -> dict[str, str]:
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, str)}


def build_info() -> BuildInfo:
    """This process's version and build."""
    if is_frozen():
        data = _read_build_file(resource(BUILD_FILE))
        return BuildInfo(
            version=data.get("version") or _package_version(),
            kind="frozen",
            commit=data.get("commit") or None,
        )
    return BuildInfo(_package_version(), "source", _source_commit(resources_folder().parent))


def build_file_text(version: str, commit: str | None, built: str) -> str:
    """The contents of ``resources/build.json`` (packaging/amanat.spec writes it)."""
    data = {"version": version, "commit": commit or "", "built": built}
    return json.dumps(data, indent=1, sort_keys=True) + "\n"
