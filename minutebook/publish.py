"""Publishing: write the whole site into a staging folder, then swap it in for the old one.

A failed or interrupted build never leaves a half-written site/: until the swap, the
previous site stays where it was, untouched.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path

from .progress import SILENT, Progress


def publish(files: Mapping[str, str | bytes], out: Path, *, progress: Progress = SILENT) -> None:
    """Write ``files`` (path under the site root -> content) as the new ``out`` folder."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    _remove_abandoned(out)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-new-{os.getpid()}-", dir=out.parent))
    progress.stage("Writing the site", len(files))
    try:
        for rel in sorted(files):
            target = staging / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            content = files[rel]
            if isinstance(content, str):
                target.write_text(content, encoding="utf-8", newline="\n")
            else:
                target.write_bytes(content)
            progress.advance()
        os.chmod(staging, 0o755)
        _swap(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _swap(staging: Path, out: Path) -> None:
    if not out.exists():
        os.replace(staging, out)
        return
    retired = Path(tempfile.mkdtemp(prefix=f".{out.name}-old-{os.getpid()}-", dir=out.parent))
    os.replace(out, retired / out.name)
    try:
        os.replace(staging, out)
    except BaseException:
        os.replace(retired / out.name, out)
        raise
    shutil.rmtree(retired, ignore_errors=True)


def _remove_abandoned(out: Path) -> None:
    """Staging folders left by a build that was killed: their process is gone, so nothing will
    ever swap them in. Folders of a build still running (``serve`` and a manual build at once)
    carry a live process id and are left alone."""
    for folder in out.parent.glob(f".{out.name}-[no][el][wd]-*-*"):
        pid = folder.name.removeprefix(f".{out.name}-").split("-")[1]
        if folder.is_dir() and pid.isdigit() and not _running(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
