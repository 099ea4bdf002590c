"""Meetings as the last build tokenized them, so that a rebuild tokenizes only the meetings that changed.

Tokenizing is the search worker's largest cost in a rebuild: lower-casing, splitting and looking up
14 million tokens at 10,000 meetings. Each meeting's documents are kept in build/cache under the
SHA-256 of everything indexed about them, as term ids with the names of the terms, and taken back
with ``Tokenizer.replay``, which numbers the terms exactly as tokenizing the text would have. So
a rebuild's index is byte for byte a fresh build's.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from importlib.metadata import version
from pathlib import Path

from . import buildcache
from .searchterms import Earlier, Mark, Tokenized, Tokenizer

NAME = "search-tokens.pickle"
VERSION = buildcache.code_version("searchterms.py", "lunrjs.py", "searchcache.py", extra=f"lunr {version('lunr')}")


class TokenCache:
    """The runs the last build kept, and those of this build, to keep for the next."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        names, runs = _sound(buildcache.load(folder, NAME, VERSION))
        self.earlier = Earlier(names)
        self.runs = runs
        self.made: dict[bytes, tuple[Mark, Mark]] = {}
        """This build's meetings: where each one's tokens start and end in the tokenizer."""
        self.fresh = 0
        """Meetings tokenized from their text this build."""

    def add(self, tokenizer: Tokenizer, key: bytes, documents: Sequence[Sequence[str]]) -> None:
        """One meeting's documents (each its fields' texts); ``key`` is a digest of all they hold."""
        mark = tokenizer.mark()
        run = self.runs.get(key)
        if run is None or not tokenizer.replay(run, self.earlier):
            self.fresh += 1
            for fields in documents:
                tokenizer.add(fields)
        if self.folder is not None:
            self.made[key] = (mark, tokenizer.mark())

    def save(self, tokenizer: Tokenizer) -> None:
        """Keep this build's runs for the next, unless the file already holds exactly these."""
        if self.folder is not None and (self.fresh or self.made.keys() != self.runs.keys()):
            buildcache.save(self.folder, NAME, VERSION, (tokenizer.names(), _Runs(tokenizer, self.made)), memo=False)
        self.runs, self.made = {}, {}
        self.earlier = Earlier([])


class _Runs:
    """This build's runs, pickled as a dict of key -> Tokenized, each copied out of the tokenizer only as it
    is written: at 10,000 meetings they are 100 MB, which copies made as each meeting is tokenized would
    add to the search worker's memory while the pages are being written."""

    def __init__(self, tokenizer: Tokenizer, spans: dict[bytes, tuple[Mark, Mark]]) -> None:
        self.tokenizer = tokenizer
        self.spans = spans

    def __reduce__(self) -> tuple[type[dict[bytes, Tokenized]], tuple[()], None, None, Iterator[tuple[bytes, Tokenized]]]:
        return dict, (), None, None, ((key, self.tokenizer.since(*span)) for key, span in self.spans.items())


def _sound(kept: object) -> tuple[list[str], dict[bytes, Tokenized]]:
    """(names, runs) as saved, or nothing if the file holds anything else; each run is checked as it is replayed."""
    if (isinstance(kept, tuple) and len(kept) == 2 and isinstance(kept[0], list) and isinstance(kept[1], dict)
            and all(isinstance(name, str) for name in kept[0])
            and all(isinstance(run, Tokenized) for run in kept[1].values())):
        return kept[0], kept[1]
    return [], {}
