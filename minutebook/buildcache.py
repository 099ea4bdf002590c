"""Files in the build cache (``build/cache``): what one build worked out, kept for the next.

Each file is pickled: it is this machine's own, written and read by the same code. It is stored with
the version of the code that made it, and anything wrong with it (missing, truncated, foreign, from
other code) reads as nothing, which only means the work is done again.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from collections.abc import Sequence
from functools import cache
from importlib.metadata import version
from pathlib import Path

HERE = Path(__file__).resolve().parent


def code_version(*files: str, libraries: Sequence[str] = ()) -> str:
    """A digest of this package's ``files`` (names in this folder), Python's version and the installed
    versions of the ``libraries`` the answers come from (distribution names: asked of the installed
    metadata, so none is imported to ask)."""
    installed = "\0".join(f"{name} {version(name)}" for name in libraries)
    digest = hashlib.sha256(f"{sys.version}\0{installed}\0".encode())
    for name in files:
        digest.update((HERE / name).read_bytes())
    return digest.hexdigest()


@cache
def package_version() -> str:
    """A digest of every file of this package (its code and its data, such as the thesaurus) and Python's
    version: what anything worked out from the documents may depend on."""
    files = sorted(str(p.relative_to(HERE)) for p in HERE.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    return code_version(*files)


def load(folder: Path | None, name: str, version: str) -> object | None:
    """What the last build kept under ``name`` with this ``version``, or None."""
    if folder is None:
        return None
    try:
        with (folder / name).open("rb") as file:
            kept_version, value = pickle.load(file)
    except Exception:  # missing, truncated or foreign: start afresh
        return None
    return value if kept_version == version else None


def save(folder: Path | None, name: str, version: str, value: object, *, memo: bool = True) -> None:
    """Keep ``value`` under ``name``: written whole, then swapped in, so a build stopped half-way
    leaves the last one's file as it was. Without ``memo``, the pickler keeps no reference to what it
    has written (objects shared within ``value`` are written again each time, and it must not refer
    to itself), so a value made part by part as it is written is never held whole."""
    if folder is None:
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        partial = folder / f"{name}.{os.getpid()}.partial"
        with partial.open("wb") as file:
            pickler = pickle.Pickler(file, protocol=pickle.HIGHEST_PROTOCOL)
            pickler.fast = not memo
            pickler.dump((version, value))
        os.replace(partial, folder / name)
    except OSError:  # a cache that cannot be written costs time next build, nothing else
        pass
