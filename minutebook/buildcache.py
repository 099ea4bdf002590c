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
import zlib
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib.metadata import version
from pathlib import Path
from typing import Any, TypeVar

HERE = Path(__file__).resolve().parent
K = TypeVar("K", bound=Hashable)


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


def save(folder: Path | None, name: str, version: str, value: object, *, memo: bool = True) -> bool:
    """Keep ``value`` under ``name`` (False if it could not be): written whole, then swapped in, so a build
    stopped half-way leaves the last one's file as it was. Without ``memo``, the pickler keeps no
    reference to what it has written (objects shared within ``value`` are written again each time, and
    it must not refer to itself), so a value made part by part as it is written is never held whole."""
    if folder is None:
        return False
    try:
        folder.mkdir(parents=True, exist_ok=True)
        partial = folder / f"{name}.{os.getpid()}.partial"
        with partial.open("wb") as file:
            pickler = pickle.Pickler(file, protocol=pickle.HIGHEST_PROTOCOL)
            pickler.fast = not memo
            pickler.dump((version, value))
        os.replace(partial, folder / name)
    except OSError:  # a cache that cannot be written costs time next build, nothing else
        return False
    return True


# --- shelves: a big mapping kept in shards, so that a rebuild writes only the shards it changed ----------

SHARDS = 64
"""Files a shelf is kept in. An edit to one meeting changes an entry or two: at 10,000 meetings the kept
archive's meetings (205 MB) and the exports' records (140 MB) were written whole again every rebuild,
where a shard of them is 2-3 MB."""


@dataclass(frozen=True)
class _Loaded:
    """A shelf as this process loaded it: which file each shard came from, and what it held."""

    version: str
    files: tuple[str | None, ...]
    shards: list[dict[Any, Any]]


_LOADED: dict[tuple[str, str], _Loaded] = {}
"""By (cache folder, shelf name): the shelves this process has loaded and not saved since."""


def load_shelf(folder: Path | None, name: str, version: str, *,
               files: Sequence[str | None] | None = None) -> dict[Any, Any] | None:
    """The mapping ``save_shelf`` kept under ``name`` with this ``version``, in the order it was given, or None.
    With ``files`` (what save_shelf returned), only the shelf saved then: a value kept beside it (saved just
    after it) and the shelf then belong together even if a build stopped between the two."""
    kept = load(folder, name, version)
    if folder is None or not isinstance(kept, tuple) or len(kept) != 2:
        return None
    shard_files, order = kept
    if files is not None and tuple(shard_files) != tuple(files):
        return None
    shards: list[dict[Any, Any]] = []
    merged: dict[Any, Any] = {}
    try:
        for file in shard_files:
            if file is None:
                shards.append({})
                continue
            with (folder / f"{name}.d" / file).open("rb") as handle:
                shard = pickle.load(handle)
            if not isinstance(shard, dict):
                return None
            shards.append(shard)
            merged.update(shard)
        values = {key: merged[key] for key in order}
    except Exception:  # a shard missing, truncated or foreign: start afresh
        return None
    _LOADED[(str(folder), name)] = _Loaded(version, tuple(shard_files), shards)
    return values


def save_shelf(folder: Path | None, name: str, version: str,
               values: Mapping[K, object]) -> tuple[str | None, ...] | None:
    """Keep ``values`` (str or bytes keys) under ``name`` in SHARDS files; a shard that holds what it held when
    this process loaded the shelf keeps its file. What each file is (the shards' names, new ones made up
    afresh) is returned, for ``load_shelf(files=...)``; None if nothing could be kept.

    New shard files are written first, then the list of them, then the files no longer listed removed:
    a build stopped half-way leaves the last shelf whole."""
    if folder is None:
        return None
    shards: list[dict[K, object]] = [{} for _ in range(SHARDS)]
    for key, value in values.items():
        shards[_shard_of(key)][key] = value
    last = _LOADED.pop((str(folder), name), None)
    if last is not None and (last.version != version or len(last.files) != SHARDS):
        last = None
    store = folder / f"{name}.d"
    try:
        store.mkdir(parents=True, exist_ok=True)
        files: list[str | None] = []
        for n, shard in enumerate(shards):
            same = last is not None and last.files[n] is not None and last.shards[n] == shard
            if not shard:
                files.append(None)
            elif same and last is not None and (store / str(last.files[n])).is_file():
                files.append(last.files[n])
            else:
                file = f"{n:02d}-{os.urandom(8).hex()}.pickle"
                with (store / file).open("wb") as handle:
                    pickle.dump(shard, handle, protocol=pickle.HIGHEST_PROTOCOL)
                files.append(file)
        if not save(folder, name, version, (tuple(files), list(values))):
            return None  # the last list stands, and its files with it
        listed = set(files)
        for path in store.iterdir():
            if path.name not in listed:
                path.unlink(missing_ok=True)
    except OSError:  # a cache that cannot be written costs time next build, nothing else
        return None
    return tuple(files)


def forget_shelf(folder: Path | None, name: str) -> None:
    """Let go of what this process loaded of a shelf it will not save (its values, kept for save_shelf)."""
    _LOADED.pop((str(folder), name), None)


def _shard_of(key: Hashable) -> int:
    """The same in every process (unlike hash(), which is salted for str and bytes)."""
    data = key.encode() if isinstance(key, str) else key if isinstance(key, bytes) else repr(key).encode()
    return zlib.crc32(data) % SHARDS
