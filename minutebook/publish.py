"""Publishing: bring a complete copy of the new site together beside the old one, then swap it in.

A failed or interrupted build never leaves a half-written site/: until the swap, the
previous site stays where it was, untouched.

Writing 30,000 files and deleting as many on every build is most of the time a rebuild takes,
so only what changed is written. Beside ``site/`` lives ``.site.spare/``: the site as it was one
build earlier (the folder the last swap took out), with a manifest of every file's SHA-256. The
next build brings that spare up to date, writing only the files whose bytes differ, and swaps
it in; the site it replaces becomes the spare. Unchanged files are hard links to one another,
so the spare costs little disk. A spare whose manifest is missing (a build was killed while
updating it) is never trusted: the build then makes a fresh staging folder, hard-linking every
unchanged file from the live site (writing it when linking fails) and writing the rest.
Files are never changed in place, only replaced, so a hard-linked file never changes under the
live site.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .forked import workers
from .progress import SILENT, Progress

Manifest = dict[str, str]
"""Path under the site root -> SHA-256 of its bytes."""


def publish(files: Mapping[str, str | bytes], out: Path, *, progress: Progress = SILENT) -> None:
    """Write ``files`` (path under the site root -> content) as the new ``out`` folder."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    _remove_abandoned(out)
    contents = {rel: content.encode("utf-8") if isinstance(content, str) else content for rel, content in files.items()}
    digests = _digests(contents)
    spare = _Spare(out)
    live = spare.manifest_of(out) if out.is_dir() else None
    progress.stage("Writing the site", len(contents))
    reusable = spare.manifest_of(spare.tree) if out.is_dir() else None
    if reusable is not None:
        staging = spare.tree
        spare.forget(staging)  # from here until it is complete, a kill leaves a spare nobody trusts
        _update(staging, reusable, contents, digests, out, live or {}, progress)
    else:
        spare.discard()
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-new-{os.getpid()}-", dir=out.parent))
        try:
            _fill(staging, contents, digests, out, live or {}, progress)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    os.chmod(staging, 0o755)
    spare.remember(staging, digests)
    _swap(staging, out, spare, keep=live is not None)
    spare.tidy(out)


def _digests(contents: Mapping[str, bytes]) -> Manifest:
    """SHA-256 of every file, on every core (hashlib lets go of the GIL on large buffers)."""
    paths = sorted(contents)
    chunks = [paths[start:start + 500] for start in range(0, len(paths), 500)]
    with ThreadPoolExecutor(max_workers=max(1, workers())) as pool:
        hashed = pool.map(lambda chunk: [hashlib.sha256(contents[rel]).hexdigest() for rel in chunk], chunks)
        return dict(zip(paths, (digest for chunk in hashed for digest in chunk), strict=True))


def _fill(staging: Path, contents: Mapping[str, bytes], digests: Manifest, live_root: Path, live: Manifest,
          progress: Progress) -> None:
    """A fresh staging folder: unchanged files linked from the live site, the rest written.

    Paths are plain strings here: tens of thousands of files, and pathlib's objects cost more than the
    system calls. Every folder is made once, parents first (sorted, "a" comes before "a/b").
    """
    folders: set[str] = set()
    for rel in contents:
        folder = os.path.dirname(rel)
        while folder and folder not in folders:
            folders.add(folder)
            folder = os.path.dirname(folder)
    for folder in sorted(folders):
        os.mkdir(os.path.join(staging, folder))
    for rel in sorted(contents):
        _place(os.path.join(staging, rel), rel, contents[rel], digests[rel], live_root, live)
        progress.advance()


def _update(tree: Path, manifest: Manifest, contents: Mapping[str, bytes], digests: Manifest, live_root: Path,
            live: Manifest, progress: Progress) -> None:
    """Make ``tree`` (holding ``manifest``) hold exactly ``contents``, touching only what differs."""
    for rel in sorted(set(manifest) - set(contents), reverse=True):  # files of a deleted document
        _clear(tree / rel)
        _prune(tree, (tree / rel).parent)
    for rel in sorted(contents):
        if manifest.get(rel) != digests[rel]:
            target = tree / rel
            _clear(target)
            _make_parents(tree, target)
            _place(target, rel, contents[rel], digests[rel], live_root, live)
    progress.advance(len(contents))


def _place(target: str | Path, rel: str, content: bytes, digest: str, live_root: Path, live: Manifest) -> None:
    """Link the live site's copy when it holds these very bytes; otherwise (or if linking fails) write them."""
    if live.get(rel) == digest:
        try:
            os.link(os.path.join(live_root, rel), target)
            return
        except OSError:
            pass
    with open(target, "wb") as file:
        file.write(content)


def _clear(path: Path) -> None:
    """Nothing left at ``path``: a file is unlinked (never rewritten in place), a folder removed."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


def _make_parents(tree: Path, target: Path) -> None:
    """The folders above ``target``, removing a file that stands where a folder must be."""
    for folder in reversed(target.relative_to(tree).parents[:-1]):
        if (tree / folder).is_file():
            (tree / folder).unlink()
    target.parent.mkdir(parents=True, exist_ok=True)


def _prune(tree: Path, folder: Path) -> None:
    """Remove ``folder`` and the folders above it that are left empty, up to the tree itself."""
    while folder != tree and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


class _Spare:
    """``.<site>.spare/``: ``tree/`` (the previous site) and the manifest of each folder it describes.

    A manifest is filed under its folder's device and inode, which a rename keeps: it stays with
    its folder whichever name the folder has when a build is killed.
    """

    def __init__(self, out: Path) -> None:
        self.root = out.parent / f".{out.name}.spare"
        self.tree = self.root / "tree"
        self.manifests = self.root / "manifests"

    def _file(self, folder: Path) -> Path:
        info = folder.stat()
        return self.manifests / f"{info.st_dev}-{info.st_ino}.json"

    def manifest_of(self, folder: Path) -> Manifest | None:
        try:
            found = json.loads(self._file(folder).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return found if isinstance(found, dict) else None

    def forget(self, folder: Path) -> None:
        self._file(folder).unlink(missing_ok=True)

    def remember(self, folder: Path, manifest: Manifest) -> None:
        self.manifests.mkdir(parents=True, exist_ok=True)
        partial = self.manifests / f"partial-{os.getpid()}.json"
        partial.write_text(json.dumps(manifest, sort_keys=True, separators=(",", ":")), encoding="utf-8")
        os.replace(partial, self._file(folder))

    def discard(self) -> None:
        """Throw away a spare that cannot be trusted; renamed first, so a kill leaves only an abandoned folder."""
        if self.tree.exists():
            self.forget(self.tree)
            doomed = Path(tempfile.mkdtemp(prefix=f".{self.root.name}-old-{os.getpid()}-", dir=self.root.parent))
            os.replace(self.tree, doomed / "tree")
            shutil.rmtree(doomed, ignore_errors=True)

    def tidy(self, out: Path) -> None:
        """Keep the manifests of the live site and the spare only: an inode may be reused by a later folder."""
        keep = {self._file(folder).name for folder in (out, self.tree) if folder.is_dir()}
        for manifest in self.manifests.glob("*.json"):
            if manifest.name not in keep:
                manifest.unlink(missing_ok=True)


def _swap(staging: Path, out: Path, spare: _Spare, *, keep: bool) -> None:
    """``staging`` becomes ``out``; the site it replaces becomes the spare if ``keep`` (its manifest is known)."""
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
    if keep and not spare.tree.exists():
        spare.root.mkdir(exist_ok=True)
        os.replace(retired / out.name, spare.tree)
    shutil.rmtree(retired, ignore_errors=True)


def _remove_abandoned(out: Path) -> None:
    """Staging folders left by a build that was killed: their process is gone, so nothing will
    ever swap them in. Folders of a build still running (``serve`` and a manual build at once)
    carry a live process id and are left alone."""
    for pattern in (f".{out.name}-[no][el][wd]-*-*", f".{out.name}.spare-old-*-*"):
        for folder in out.parent.glob(pattern):
            name = folder.name.removeprefix(f".{out.name}-").removeprefix(f".{out.name}.spare-")
            pid = name.split("-")[1]
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
