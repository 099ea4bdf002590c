"""Publishing: write the new site beside the old one, file by file as stages make them, then swap it in.

A failed or interrupted build never leaves a half-written site/: until the swap, the
previous site stays where it was, untouched.

Writing 60,000 files and deleting as many on every build is most of the time a rebuild takes,
so only what changed is written. Beside ``site/`` lives ``.site.spare/``: the site as it was one
build earlier (the folder the last swap took out), with a manifest of every file's SHA-256. The
next build brings that spare up to date, writing only the files whose bytes differ, and swaps
it in; the site it replaces becomes the spare. Unchanged files are hard links to one another,
so the spare costs little disk. A spare whose manifest is missing (a build was killed while
updating it) is never trusted: the build then makes a fresh staging folder, hard-linking every
unchanged file from the live site (writing it when linking fails) and writing the rest.
Files are never changed in place, only replaced, so a hard-linked file never changes under the
live site.

Stages hand their files to ``Staging.put`` as soon as they are made, so the build never holds
the whole site in memory (over a gigabyte of pages at 10,000 meetings); forked workers put
their files themselves and send back only each file's digest, which ``Staging.adopt`` records.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from .errors import BuildError

Manifest = dict[str, str]
"""Path under the site root -> SHA-256 of its bytes."""


@dataclass(frozen=True)
class FileCopy:
    """A file to publish as it is at ``path``, known by its SHA-256: linked from the live site when that
    holds these bytes, so a rebuild reads it only when it is new or changed. Only these bytes are
    published: a file that no longer has them stops the build."""

    path: Path
    sha256: str

    def read(self) -> bytes:
        """The file's bytes, which must still be these: a file changed since stops the build, named."""
        data = self.path.read_bytes()
        if hashlib.sha256(data).hexdigest() != self.sha256:
            raise BuildError(f"{self.path.as_posix()} changed while the site was being built; build again")
        return data


Content = str | bytes | FileCopy


class Staging:
    """The new site as it is being written: a folder beside ``out`` that ``publish`` swaps in.

    Made only once a build is known to publish (no errors); ``discard`` it if the build fails later.
    """

    def __init__(self, out: Path) -> None:
        self.out = out.resolve()
        self.out.parent.mkdir(parents=True, exist_ok=True)
        _remove_abandoned(self.out)
        self.spare = _Spare(self.out)
        self.live: Manifest | None = self.spare.manifest_of(self.out) if self.out.is_dir() else None
        self.reusable = self.spare.manifest_of(self.spare.tree) if self.out.is_dir() else None
        """The spare's manifest when it can be brought up to date; None when a fresh folder is filled."""
        if self.reusable is not None:
            self.tree = self.spare.tree
            self.spare.forget(self.tree)  # from here until it is published, a kill leaves a spare nobody trusts
        else:
            self.spare.discard()
            self.tree = Path(tempfile.mkdtemp(prefix=f".{self.out.name}-new-{os.getpid()}-", dir=self.out.parent))
        self.files: Manifest = {}
        """Every file put so far (by this process or adopted from workers)."""
        self._folders: set[str] = set()
        self._live_by_digest: dict[str, str] | None = None

    def put(self, rel: str, content: Content) -> str:
        """Write one file unless the folder already holds these bytes; its SHA-256.

        Safe in forked workers: each writes its own files, and the parent adopts the digests.
        Paths are plain strings: tens of thousands of files, and pathlib costs more than the system calls.
        """
        if isinstance(content, FileCopy):
            if self.reuse(rel, content.sha256):
                return content.sha256
            data, digest = content.read(), content.sha256
        else:
            data = content.encode("utf-8") if isinstance(content, str) else content
            digest = hashlib.sha256(data).hexdigest()
            if self.reuse(rel, digest):
                return digest
        with open(os.path.join(self.tree, rel), "wb") as file:
            file.write(data)
        return digest

    def reuse(self, rel: str, digest: str) -> bool:
        """Keep a file whose bytes are known only by their SHA-256: True when the folder already holds
        them or they are linked from the live site (from any path there with these bytes); False when
        the caller must write the file (its folder is made, and nothing is left at its path)."""
        if self.reusable is not None and self.reusable.get(rel) == digest:
            return True
        target = os.path.join(self.tree, rel)
        self._make_folder(os.path.dirname(rel))
        if self.reusable is not None:
            _clear(target)  # a hard link shared with the live site: replaced, never written through
        source = rel if self.live and self.live.get(rel) == digest else self._live_path_of(digest)
        if source is not None:
            try:
                os.link(os.path.join(self.out, source), target)
                return True
            except OSError:
                pass
        return False

    def _live_path_of(self, digest: str) -> str | None:
        """A path of the live site that holds the bytes with this SHA-256. A rebuild's search index
        is a new folder, but an edit changes the bytes of a few of its files only."""
        if self._live_by_digest is None:
            self._live_by_digest = {found: rel for rel, found in sorted((self.live or {}).items())}
        return self._live_by_digest.get(digest)

    def read(self, rel: str) -> bytes:
        """A file put (or kept) already, as the new site will have it."""
        with open(os.path.join(self.tree, rel), "rb") as file:
            return file.read()

    def keep(self, folder: str) -> list[tuple[str, str]] | None:
        """Every file the live site has under ``folder``, as it is, without its bytes being made again:
        (path, digest) of each, or None when the live site has none (or one cannot be linked).

        For a folder whose name changes whenever any file in it would (the search index's), so
        having the name is having the files. Like ``put``, a file is linked from the live site
        unless the reused spare already has it."""
        prefix = folder.rstrip("/") + "/"
        found = sorted((rel, digest) for rel, digest in (self.live or {}).items() if rel.startswith(prefix))
        linked: list[str] = []
        for rel, digest in found:
            if self.reusable is not None and self.reusable.get(rel) == digest:
                continue
            target = os.path.join(self.tree, rel)
            self._make_folder(os.path.dirname(rel))
            try:
                _clear(target)
                os.link(os.path.join(self.out, rel), target)
            except OSError:
                for made in linked:  # written afresh after all: no link to the live site may be left to write through
                    os.unlink(made)
                return None
            linked.append(target)
        return found or None

    def reuse_folder(self, folder: str) -> str | None:
        """Before the files of a folder whose name changes whenever any file in it would (the search
        index's) are put: when the spare being brought up to date has no file under ``folder`` but one
        other folder beside it, that one is renamed ``folder``. Each file the two have alike then stays
        where it lies, neither linked nor written; the others are put over it, and what is left of it
        goes at publish. The folder renamed, or None.

        Why: an edit changes a few hundred of a 10,000-meeting index's 30,000 files, but the index moves
        to a new folder, and the spare holds the one from two builds back. Every file was linked into
        the new folder and unlinked from the old one: 1.4 s of the search worker and 0.9 s of publishing,
        under a profiler, in a rebuild after a second edit."""
        parent = os.path.dirname(folder)
        if self.reusable is None or not parent:
            return None
        depth = parent.count("/") + 1
        folders = {rel.split("/")[depth] for rel in self.reusable  # the spare's folders beside it, or itself
                   if rel.startswith(parent + "/") and rel.count("/") > depth}
        if len(folders) != 1 or (name := folders.pop()) == os.path.basename(folder):
            return None
        old = f"{parent}/{name}"
        try:
            os.rename(os.path.join(self.tree, old), os.path.join(self.tree, folder))
        except OSError:  # not there after all, or something is in the way: its files are put one by one
            return None
        self.renamed(old, folder)
        return old

    def renamed(self, old: str, new: str) -> None:
        """Note that the spare's folder ``old`` is ``new`` now (see reuse_folder, which a forked worker
        runs): its files are kept, or replaced, or removed at publish, under their new paths."""
        if self.reusable is None:
            return
        for rel in [rel for rel in self.reusable if rel.startswith(old + "/")]:
            self.reusable[new + rel[len(old):]] = self.reusable.pop(rel)
        self._folders = {made for made in self._folders if made != old and not made.startswith(old + "/")}

    def add(self, files: Mapping[str, Content]) -> None:
        """Put and record a stage's files."""
        self.adopt(self.put_all(files))

    def put_all(self, files: Mapping[str, Content]) -> list[tuple[str, str]]:
        """Put a stage's files; (path, digest) of each, to record in the parent if this is a worker."""
        return [(rel, self.put(rel, files[rel])) for rel in sorted(files)]

    def adopt(self, digests: Iterable[tuple[str, str]]) -> None:
        """Record files put by a forked worker (or by ``put_all``): (path, digest) pairs."""
        for rel, digest in digests:
            self._record(rel, digest)

    def discard(self) -> None:
        """The build failed after writing began: a fresh folder goes; a spare stays untrusted (no manifest)."""
        if self.reusable is None:
            shutil.rmtree(self.tree, ignore_errors=True)

    def _record(self, rel: str, digest: str) -> None:
        if rel in self.files:  # two writers wanting one path is a bug to stop on, not to overwrite
            raise BuildError(f"two outputs would be written to {rel}; rename the source document")
        self.files[rel] = digest

    def _make_folder(self, folder: str) -> None:
        """``folder`` and those above it; a file left where a folder must now be is removed first."""
        if not folder or folder in self._folders:
            return
        parent = os.path.dirname(folder)
        self._make_folder(parent)
        path = os.path.join(self.tree, folder)
        try:
            os.mkdir(path)  # one system call for each of a fresh site's 20,000 folders
        except FileExistsError:
            if os.path.islink(path) or not os.path.isdir(path):
                os.unlink(path)
                os.mkdir(path)
        self._folders.add(folder)


def published_files(out: Path) -> Manifest:
    """Every file of the live site at ``out`` with its digest, as the build that published it recorded;
    empty when there is no site there (or its manifest is lost)."""
    out = out.resolve()
    return (_Spare(out).manifest_of(out) or {}) if out.is_dir() else {}


def prepare_spare(out: Path) -> None:
    """When the live site's manifest is known and no spare stands beside it (the first rebuild after a
    fresh build, or after a spare was found untrusted), make one: the live site linked file by file, so
    the build's Staging brings it up to date instead of filling a fresh folder.

    Filling a fresh folder links every unchanged file while the pages are written: at 10,000 meetings
    61,966 links and 21,392 folders, 1.4-3.4 s of system calls on the bench's machine. A build starts this on
    its second core while it reads and links (pipeline), and makes its Staging once this is done. The
    folder is filled under a temporary name and moved into place before its manifest is written, so a
    build killed meanwhile leaves only an abandoned folder (removed as Staging removes its own)."""
    out = out.resolve()
    if not out.is_dir():
        return
    spare = _Spare(out)
    live = spare.manifest_of(out)
    if live is None or spare.manifest_of(spare.tree) is not None:
        return
    tree = ""
    folders: set[str] = set()
    try:
        spare.discard()
        tree = tempfile.mkdtemp(prefix=f".{out.name}-new-{os.getpid()}-", dir=out.parent)
        for rel in sorted(live):
            folder = os.path.dirname(rel)
            if folder and folder not in folders:
                os.makedirs(os.path.join(tree, folder), exist_ok=True)
                folders.add(folder)
            os.link(os.path.join(out, rel), os.path.join(tree, rel))
        spare.root.mkdir(exist_ok=True)
        os.replace(tree, spare.tree)
        tree = ""
        os.chmod(spare.tree, 0o755)
        spare.remember(spare.tree, live)
    except OSError:  # no hard links here, or the live site changed meanwhile: Staging fills a fresh folder
        if tree:  # (one with no manifest is never trusted; a folder that cannot be written, Staging reports)
            shutil.rmtree(tree, ignore_errors=True)


def publish(staging: Staging) -> None:
    """The staged site becomes ``out``: files of pages no longer made are removed first."""
    if staging.reusable is not None:
        emptied: set[str] = set()
        for rel in set(staging.reusable) - set(staging.files):  # a deleted document's, or an old search index's
            path = os.path.join(staging.tree, rel)
            if os.path.isfile(path) or os.path.islink(path):  # a folder now, if new files live under it
                os.unlink(path)
            emptied.add(os.path.dirname(rel))
        _prune(staging.tree, emptied)
    os.chmod(staging.tree, 0o755)
    staging.spare.remember(staging.tree, staging.files)
    _swap(staging.tree, staging.out, staging.spare, keep=staging.live is not None)
    staging.spare.tidy(staging.out)


def _clear(path: str) -> None:
    """Nothing left at ``path``: a file is unlinked (never rewritten in place), a folder removed."""
    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path)
    elif os.path.lexists(path):
        os.unlink(path)


def _prune(tree: Path, folders: set[str]) -> None:
    """Remove those of ``folders`` (under ``tree``) and the folders above them that are left empty.

    Once per folder, deepest first: a rebuild's old search index is 30,000 files in a few folders,
    and listing a folder after each file removed took over a minute at 10,000 meetings.
    """
    every = (folders | {parent for folder in folders for parent in _parents(folder)}) - {""}
    for folder in sorted(every, key=len, reverse=True):  # a folder's name is longer than its parent's
        with contextlib.suppress(OSError):  # not empty (or already gone)
            os.rmdir(os.path.join(tree, folder))


def _parents(folder: str) -> list[str]:
    """"a/b/c" -> ["a/b", "a"]."""
    parents = []
    while folder := os.path.dirname(folder):
        parents.append(folder)
    return parents


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
