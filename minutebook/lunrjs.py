"""lunr.py's index pipeline made to match lunr.js 2.3.9 word for word.

The browser looks words up with lunr.js, so the build must index every word under the
term lunr.js will ask for. lunr.py's own trimmer keeps a token whole when it has
punctuation inside ("(children's" stays so), and its stemmer turns a final y after a
vowel into i ("highways" -> "highwai", "Buckley" -> "bucklei"; lunr.js: "highway",
"buckley"): such words were never found.
"""

from __future__ import annotations

import re
from typing import Any

from lunr.stemmer import PorterStemmer
from lunr.stop_word_filter import WORDS as STOP_WORDS


class _PorterStemmer(PorterStemmer):  # type: ignore[misc]
    b: str
    j: int
    k: int
    k0: int

    def step1c(self) -> None:
        """lunr.js's step 1c: a final y becomes i after a consonant that is not the first letter."""
        if self.ends("y") and self.j > self.k0 and self.b[self.j] not in "aeiou":
            self.b = self.b[: self.k] + "i" + self.b[self.k + 1 :]


_PORTER = _PorterStemmer()
_EDGES = re.compile(r"^\W+|\W+$", re.ASCII)  # lunr.js's trimmer: JavaScript's \W is ASCII-only


def trimmer(token: Any, i: int | None = None, tokens: Any = None) -> Any:
    """Non-word characters off both ends, as lunr.js trims; a token of punctuation only is dropped."""
    token.update(lambda text, metadata=None: _EDGES.sub("", text))
    return token if str(token) else None


def stemmer(token: Any, i: int | None = None, tokens: Any = None) -> Any:
    """The Porter stemmer exactly as lunr.js 2.3.9 has it."""
    return token.update(_PORTER.stem)


# Serialised under lunr.js's own names, so the browser runs lunr.js's trimmer and stemmer.
trimmer.label = "trimmer"  # type: ignore[attr-defined]
stemmer.label = "stemmer"  # type: ignore[attr-defined]
PIPELINE = "trimmer, stopWordFilter, stemmer: lunr.js 2.3.9's"
"""What each shard's index is built with; part of its cache key."""


_TERMS: dict[str, str | None] = {}


def term_of(token: str) -> str | None:
    """What lunr.js indexes a lower-cased token as: trimmed, stop words dropped, stemmed.

    Remembered per token: an archive of 10,000 meetings has some millions of words but
    only some hundred thousand different ones, and stemming is the slow part.
    """
    try:
        return _TERMS[token]
    except KeyError:
        trimmed = _EDGES.sub("", token)
        term = _PORTER.stem(trimmed) if trimmed and trimmed not in STOP_WORDS else None
        _TERMS[token] = term
        return term
