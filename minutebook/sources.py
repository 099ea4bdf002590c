"""Source documents: find them in content/ and turn every format into plain text lines for the parser."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import stat
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from minutebook.errors import ConfigError
from minutebook.model import Problem, SourceSpan

if TYPE_CHECKING:
    import yaml
    from markdown_it import MarkdownIt

# Each format's library (pypdfium2, PyYAML, markdown-it-py) is imported where a document of that format is
# read, not when this module is: every command imports this one, and a rebuild after an edit to a text
# document reads no PDF. With pypdf (downloads.py), rich (progress.py) and watchfiles (serve.py) imported
# where they are used too, `build.py --help` takes 0.28-0.30 s, not 0.40-0.43 s. See also load_readers.

MAX_BYTES = 10 * 1024 * 1024
PDF_SCALE = 5
"""A PDF may be this many times MAX_BYTES (50 MB): most of its bytes are fonts, pictures and layout,
not text, and a council's agenda pack with its appendices often runs to tens of megabytes; its
page count is limited as well (pdftext.MAX_PAGES)."""
FORMATS = {".txt": "txt", ".md": "md", ".markdown": "md", ".html": "html", ".htm": "html", ".pdf": "pdf"}
IGNORED_NAMES = {"thumbs.db", "desktop.ini", "people.toml", "topics.toml", "minutebook.toml"}
KINDS = ("minutes", "agenda", "reports", "agenda-item")
TEXT_KEYS = ("committee", "body", "venue", "chair", "title")
LIST_KEYS = ("tags", "topics")
KNOWN_KEYS = ("date", "start_time", "kind", *TEXT_KEYS, *LIST_KEYS)

# Odd spaces become plain spaces and invisible characters go, so names and numbers compare equal.
_ODD_SPACES = "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_ODD_SPACE = re.compile(f"[{_ODD_SPACES}]")
_INVISIBLE_CHAR = re.compile(f"[{_INVISIBLE}]")
_CASE_UNSAFE = "\u0130\u0131\u017f"
_CONTROLS = bytes(b for b in range(32) if b not in b"\t\n\f\r") + b"\x7f"
"""Bytes that mark a binary file when too many of them are near its start."""
_NUMBERED = re.compile(r"\d+(?:\.\d+)*[.)]\s")
_TIME_12 = re.compile(r"(\d{1,2})(?:[:.](\d{2}))?\s*([ap])\.?\s*m\.?")
_TIME_24 = re.compile(r"(\d{1,2})[:.](\d{2})")

_LINE_ATTR = "data-minutebook-line"
"""Set on rendered Markdown elements: the source line their text starts on."""
_BLOCK = {
    "address", "article", "blockquote", "body", "caption", "center", "dd", "details", "div", "dl", "dt",
    "fieldset", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "html", "legend", "li",
    "main", "ol", "p", "pre", "section", "summary", "table", "tbody", "tfoot", "thead", "tr", "ul",
}  # fmt: skip
_PARAGRAPH = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "dl", "table", "blockquote", "pre", "figure"}
_SKIP = {
    "script", "style", "noscript", "template", "svg", "math", "head", "title", "nav", "aside", "form",
    "iframe", "object", "canvas", "button", "select", "textarea",
}  # fmt: skip
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"}
_TABLE = {"table", "tr", "td", "th"}
_ITEM_NUMBER = re.compile(r"\d+(?:\.\d+)*[a-z]?\.?")


@dataclass(frozen=True)
class SourceDocument:
    path: str
    """POSIX path relative to the content dir, e.g. ``2017/minutes.txt``."""
    format: str
    """txt | md | html | pdf"""
    lines: tuple[str, ...]
    line_numbers: tuple[int, ...]
    """1-based line in the original file for each entry of ``lines``; for a PDF, in its extracted text
    (``file_lines``), where the lines are numbered from 1 in order."""
    front_matter: Mapping[str, Any]
    sha256: str
    pages: tuple[int, ...] = ()
    """For a PDF, the 1-based page each entry of ``lines`` is printed on; empty for other formats."""


@dataclass(frozen=True)
class Skipped:
    """A file that is not in the archive, and one short sentence saying why."""

    path: str
    reason: str


@dataclass(frozen=True)
class SourceSet:
    documents: tuple[SourceDocument, ...]
    skipped: tuple[Skipped, ...]
    problems: tuple[Problem, ...]


class _Bad(Exception):
    """Input we cannot use; read_source turns it into a Skipped and error Problems."""

    def __init__(self, message: str, line: int = 0, more: list[tuple[int, str]] | None = None) -> None:
        super().__init__(message)
        self.errors = [(line, message), *(more or [])]


class _TooBig(_Bad):
    """A file over the size limit: an error for text, a warning for a PDF (see _read_pdf)."""


def read_sources(content_dir: Path, *, max_bytes: int = MAX_BYTES) -> SourceSet:
    """Read every document under content_dir; bad files are reported, never fatal."""
    files, problems = discover(content_dir)
    documents: list[SourceDocument] = []
    skipped: list[Skipped] = []
    for path, rel in files:
        result, found = read_source(path, rel, max_bytes=max_bytes)
        if isinstance(result, SourceDocument):
            documents.append(result)
        else:
            skipped.append(result)
        problems.extend(found)
    return SourceSet(
        documents=tuple(sorted(documents, key=lambda d: d.path)),
        skipped=tuple(sorted(skipped, key=lambda s: s.path)),
        problems=tuple(sorted(problems, key=lambda p: p.source.path)),
    )


def discover(content_dir: Path) -> tuple[list[tuple[Path, str]], list[Problem]]:
    """Every file under content_dir that may be a document, as (path, POSIX path relative to it),
    in walking order; a folder that cannot be listed is an error, not a crash."""
    if not content_dir.is_dir():
        raise ConfigError(f"content directory {content_dir} does not exist")
    files: list[tuple[Path, str]] = []
    problems: list[Problem] = []

    def unreadable(exc: OSError) -> None:
        rel = Path(exc.filename or content_dir).relative_to(content_dir).as_posix()
        problems.append(Problem("error", SourceSpan(rel), f"cannot read folder: {exc.strerror or exc}"))

    for root, dirs, names in os.walk(content_dir, onerror=unreadable):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        folder = Path(root)  # each file's paths made from its folder's: 10,100 files in 0.035 s, not 0.08 s
        under = folder.relative_to(content_dir).as_posix()
        prefix = "" if under == "." else f"{under}/"
        for name in sorted(names):
            if not _ignored(name):
                files.append((folder / name, prefix + name))
    return files, problems


def _ignored(name: str) -> bool:
    """Files that live in content/ but are not documents: hidden, OS clutter, backups, config."""
    lower = name.lower()
    return (
        name.startswith((".", "~$"))
        or name.endswith("~")
        or lower in IGNORED_NAMES
        or lower.startswith("readme")
    )


def read_source(
    path: Path, rel: str, *, max_bytes: int = MAX_BYTES, data: bytes | None = None
) -> tuple[SourceDocument | Skipped, list[Problem]]:
    """Read one file; every kind of bad input becomes a Skipped plus Problems, never an exception.

    ``data`` is the file's content when the caller has already read it (and checked that it is
    a regular file within ``max_bytes``), so what is read is exactly what the caller hashed.
    """
    suffix = path.suffix.lower()
    fmt = FORMATS.get(suffix)
    if fmt is None:
        reason = f"unsupported format {suffix or '(no extension)'}: save it as text (.txt), Markdown, HTML or PDF"
        return Skipped(rel, reason), [Problem("warning", SourceSpan(rel), reason)]
    problems: list[Problem] = []
    try:
        if fmt == "pdf":
            return _read_pdf(path, rel, max_bytes, data)
        return _read(path, rel, fmt, max_bytes, problems, data), problems
    except _Bad as bad:
        problems.extend(Problem("error", SourceSpan(rel, line), message) for line, message in bad.errors)
        return Skipped(rel, str(bad)), problems


def _read(path: Path, rel: str, fmt: str, max_bytes: int, problems: list[Problem], given: bytes | None) -> SourceDocument:
    data = given if given is not None else _file_bytes(path, max_bytes)
    text = decode(data, rel, problems)
    text = plain_chars(text.replace("\r\n", "\n").replace("\r", "\n"))
    if not text.strip():
        raise _Bad("empty file")
    raw_lines = split_lines(text)
    front_matter, start = _front_matter(raw_lines, rel, problems) if fmt != "html" else ({}, 0)
    if fmt == "txt":
        body = raw_lines[start:]
        lines = tuple([line if line.strip() else "" for line in body])
        numbers = tuple(range(start + 1, start + 1 + len(body)))
    else:
        pairs = markdown_to_lines("\n".join(raw_lines[start:]), first_line=start + 1) if fmt == "md" else html_to_lines(text)
        lines = tuple(line for _, line in pairs)
        numbers = tuple(number for number, _ in pairs)
    if not any(lines):
        raise _Bad("no text to read: the file has only front matter or markup")
    return SourceDocument(
        path=rel,
        format=fmt,
        lines=lines,
        line_numbers=numbers,
        front_matter=front_matter,
        sha256=hashlib.sha256(data).hexdigest(),
    )


def _read_pdf(
    path: Path, rel: str, max_bytes: int, given: bytes | None
) -> tuple[SourceDocument | Skipped, list[Problem]]:
    """A PDF's printed lines, each with its page. One that cannot be read (a scan, a password, damage,
    too big) is a warning, like a format we do not read: the clerk has a step to take first, and the
    rest of the archive is still published."""
    from minutebook import pdftext

    try:
        data = given if given is not None else _file_bytes(path, max_bytes)
        text = pdftext.extract(data)
    except (pdftext.PdfError, _TooBig) as error:
        return Skipped(rel, str(error)), [Problem("warning", SourceSpan(rel), str(error))]
    lines = tuple(plain_chars(line) for line in text.lines)
    document = SourceDocument(
        path=rel,
        format="pdf",
        lines=lines,
        line_numbers=tuple(range(1, len(lines) + 1)),
        front_matter={},
        sha256=hashlib.sha256(data).hexdigest(),
        pages=text.pages,
    )
    return document, []


def file_lines(data: bytes, path: str) -> list[str]:
    """A file's lines as the reader numbers them: a PDF's extracted lines, any other file's text lines.

    Everything that looks at a source again after reading (downloads, leak checks) counts lines with this.
    """
    return file_text(data, path)[0]


def file_text(data: bytes, path: str) -> tuple[list[str], tuple[int, ...]]:
    """``file_lines``, and for a PDF the page each line is printed on (for any other file, none)."""
    if PurePosixPath(path).suffix.lower() == ".pdf":
        from minutebook import pdftext

        try:
            text = pdftext.extract(data)
        except pdftext.PdfError:
            return [], ()
        return [plain_chars(line) for line in text.lines], text.pages
    return split_lines(decode(data, path, [])), ()


def readable_bytes(path: Path, max_bytes: int = MAX_BYTES) -> bytes | None:
    """The file's content if it is a regular file within ``max_bytes`` (for a PDF, ``PDF_SCALE`` times
    that) that can be read; else None (read_source then says what is wrong with it)."""
    try:
        return _file_bytes(path, max_bytes)
    except _Bad:
        return None


def _file_bytes(path: Path, max_bytes: int) -> bytes:
    pdf = path.suffix.lower() == ".pdf"
    limit = max_bytes * PDF_SCALE if pdf else max_bytes
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise _Bad("not a regular file")
        if info.st_size > limit:
            raise _TooBig(
                f"file is {_size(info.st_size)}, over the {_size(limit, trim=True)} limit "
                f"for one {'PDF' if pdf else 'document'}; split it or raise the limit"
            )
        return path.read_bytes()
    except OSError as exc:
        raise _Bad(f"cannot read file: {exc.strerror or exc}") from None


def _size(n: int, *, trim: bool = False) -> str:
    for unit, scale in (("MB", 1024 * 1024), ("KB", 1024)):
        if n >= scale:
            text = f"{n / scale:.1f}"
            return f"{text.removesuffix('.0') if trim else text} {unit}"
    return f"{n} bytes"


def plain_chars(text: str) -> str:
    """Odd spaces as plain spaces, invisible characters gone."""
    if text.isascii() or not any(char in text for char in _ODD_SPACES + _INVISIBLE):  # the common case, quickly
        return text
    return _INVISIBLE_CHAR.sub("", _ODD_SPACE.sub(" ", text))


def lowered(text: str) -> str | None:
    """``text.lower()`` when a pattern of lower-case ASCII letters (with digits, punctuation, \\w, \\s, \\d,
    \\b) finds in it, without IGNORECASE, just what it finds with IGNORECASE in ``text``, at the same places;
    None when ``text`` holds İ, ı or ſ, which re matches to i and s but lower() keeps apart.

    Why: re tries each alternative of a case-blind alternation slowly at every position; on lower-cased
    text the same pattern without IGNORECASE runs several times faster.
    """
    if text.isascii() or not any(char in text for char in _CASE_UNSAFE):
        return text.lower()
    return None


def lines_matching(lines: Sequence[str], pattern: re.Pattern[str]) -> list[int]:
    """The indexes of the lines ``pattern`` finds something in, in order, from one search of the joined text.

    Why: one C-level scan of a whole document is far quicker than a search per line. The
    pattern must never match across a newline. A line that itself holds a newline would
    throw the count out: then every line is returned, to be looked at one by one."""
    text = "\n".join(lines)
    if text.count("\n") != len(lines) - 1:
        return list(range(len(lines)))
    found: list[int] = []
    index = counted = 0  # the line holding offset ``counted``
    while match := pattern.search(text, counted):
        index += text.count("\n", counted, match.start())
        found.append(index)
        counted = text.find("\n", match.start()) + 1  # the next line's start (0 after the last line: the end)
        if not counted:
            break
        index += 1
    return found


def split_lines(text: str) -> list[str]:
    """A file's lines as the reader numbers them: any newline convention, no empty last line.

    Downloads number lines with this too, so exempt line ranges withhold the right lines.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return lines[:-1] if lines[-1] == "" else lines


def decode(data: bytes, rel: str, problems: list[Problem]) -> str:
    """UTF-8 (or UTF-16 with a BOM); Windows-1252 as a warned fallback, because Word exports it."""
    if not data.strip():
        raise _Bad("empty file")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise _Bad("cannot decode: starts like UTF-16 but is not valid UTF-16") from None
        if "\x00" in text:
            raise _Bad("binary file, not a text document")
        return text
    sample = data[:8192]
    controls = len(sample) - len(sample.translate(None, _CONTROLS))
    if b"\x00" in data or controls > len(sample) / 10:
        raise _Bad("binary file, not a text document")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + before.count(b"\r") - before.count(b"\r\n") + 1
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        raise _Bad(f"cannot decode: not UTF-8 or Windows-1252 (first bad byte at line {line})", line) from None
    problems.append(Problem("warning", SourceSpan(rel, line), "not UTF-8: read as Windows-1252; save it as UTF-8"))
    return text


def _front_matter(lines: list[str], rel: str, problems: list[Problem]) -> tuple[dict[str, Any], int]:
    """YAML between '---' lines at the top; returns the validated values and the index of the first body line."""
    if not lines or lines[0].rstrip() != "---":
        return {}, 0
    close = next((i for i in range(1, len(lines)) if lines[i].rstrip() == "---"), None)
    if close is None:
        raise _Bad("malformed front matter: no closing '---' line", 1)
    import yaml

    try:
        node = yaml.compose("\n".join(lines[1:close]), Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        # A scanner context ("while scanning a simple key") marks the line with the typo;
        # parser contexts mark an enclosing structure, so the problem mark is better there.
        scanning = (exc.context or "").startswith("while scanning") and exc.context_mark
        mark = exc.context_mark if scanning else exc.problem_mark
        message = f"malformed front matter: {exc.problem or 'not valid YAML'}"
        raise _Bad(message, mark.line + 2 if mark else 1) from None
    except (yaml.YAMLError, RecursionError):
        raise _Bad("malformed front matter: not valid YAML", 1) from None
    if node is None:
        return {}, close + 1
    if not isinstance(node, yaml.MappingNode):
        raise _Bad("malformed front matter: expected 'key: value' lines", node.start_mark.line + 2)
    values: dict[str, Any] = {}
    errors: list[tuple[int, str]] = []
    for key_node, value_node in node.value:
        line = key_node.start_mark.line + 2
        name = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else "?"
        key = name.strip().lower().replace("-", "_")
        if key not in KNOWN_KEYS:
            message = f"unknown front matter key '{name}' (known: {', '.join(KNOWN_KEYS)})"
            problems.append(Problem("warning", SourceSpan(rel, line), message))
            continue
        try:
            value = _field(key, value_node)
        except ValueError as exc:
            errors.append((line, f"front matter '{key}' {exc}"))
            continue
        if value is not None:
            values[key] = value
    if errors:
        (line, message), *more = errors
        raise _Bad(message, line, more)
    return values, close + 1


def _field(key: str, node: yaml.Node) -> Any:
    """Validate one known key from its YAML node; raw scalar text avoids YAML 1.1 surprises (14:30 == 870)."""
    import yaml

    if isinstance(node, yaml.ScalarNode) and (node.tag.endswith(":null") or not node.value.strip()):
        return None
    if key in LIST_KEYS:  # a list, or one comma-separated string
        if isinstance(node, yaml.ScalarNode):
            items = node.value.split(",")
        elif isinstance(node, yaml.SequenceNode) and all(isinstance(item, yaml.ScalarNode) for item in node.value):
            items = [item.value for item in node.value if not item.tag.endswith(":null")]
        else:
            raise ValueError("must be a list of words or phrases")
        return tuple(item.strip() for item in items if item.strip())
    if not isinstance(node, yaml.ScalarNode):
        raise ValueError("must be a single value, not a list or mapping")
    text = str(node.value).strip()
    if key == "date":
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError(f"must be a date like 2019-02-26, got '{text}'")
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise ValueError(f"is not a real date: {text}") from None
    if key == "start_time":
        time = _parse_time(text)
        if time is None:
            raise ValueError(f"must be a time like 14:00 or 2pm, got '{text}'")
        return time
    if key == "kind":
        if text.lower() not in KINDS:
            raise ValueError(f"must be one of {', '.join(KINDS)}, got '{text}'")
        return text.lower()
    return text


def _parse_time(text: str) -> str | None:
    """'14:00', '2pm', '2.30 pm' -> 'HH:MM'; None if it is not a time of day."""
    text = text.lower()
    if match := _TIME_12.fullmatch(text):
        hour, minute = int(match[1]), int(match[2] or 0)
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if match[3] == "p" else 0)
    elif match := _TIME_24.fullmatch(text):
        hour, minute = int(match[1]), int(match[2])
    else:
        return None
    return f"{hour:02d}:{minute:02d}" if hour < 24 and minute < 60 else None


@cache
def _markdown() -> MarkdownIt:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": True, "breaks": True}).enable("table")


def load_readers() -> None:
    """Import every format's library, and make the Markdown parser, now: done before the reading workers
    are forked, so that each does not do it again."""
    import yaml  # noqa: F401

    _markdown()

    from minutebook import pdftext  # noqa: F401


def markdown_to_lines(markdown: str, *, first_line: int = 1) -> list[tuple[int, str]]:
    """Render Markdown to HTML one top-level block at a time, so each line keeps its source line."""
    parser = _markdown()
    tokens = parser.parse(markdown)
    out: list[tuple[int, str]] = []
    i = 0
    while i < len(tokens):
        end = i + 1
        if tokens[i].nesting == 1:
            while not (tokens[end].level == tokens[i].level and tokens[end].nesting == -1):
                end += 1
            end += 1
        block = tokens[i:end]
        start = first_line + (block[0].map[0] if block[0].map else 0)
        if block[0].type == "html_block":
            lines = html_to_lines(block[0].content, first_line=start)
        else:
            line = start
            for token in block:
                if token.type in ("inline", "html_block") or token.nesting == -1:
                    continue
                line = first_line + token.map[0] if token.map else line
                token.attrSet(_LINE_ATTR, str(line))
                if token.type == "list_item_open" and token.info:
                    token.attrSet("value", token.info)  # keep "1. Apologies" numbered in the text
            lines = html_to_lines(parser.renderer.render(block, parser.options, {}))
        if lines and out:
            out.append((out[-1][0], ""))
        out.extend(lines)
        i = end
    return out


def _layout_table(attrs: dict[str, str | None]) -> bool:
    """ModernGov lays out each agenda item as a table row: number cell, then a cell of paragraphs."""
    names = f"{attrs.get('class') or ''} {attrs.get('id') or ''}".lower()
    return "mgitemtable" in names or attrs.get("role") in ("presentation", "none")


def html_to_lines(html: str, *, first_line: int = 1) -> list[tuple[int, str]]:
    """Plain text lines of an HTML page or fragment, each with the source line its text starts on."""
    html = html.replace("\r\n", "\n").replace("\r", "\n")
    for only_main in (True, False):  # a saved page's <main> leaves out menus and banners; else the whole body
        parser = _HtmlText(first_line, only_main)
        parser.feed(html)
        parser.close()
        if parser.out:
            break
    return parser.out


@dataclass(frozen=True)
class _Open:
    """An open element and what it passes down to everything inside it."""

    tag: str
    active: bool  # its text is read: not hidden, and inside <main> when only main is read
    in_article: bool  # a <header> in here heads the article, it is not site chrome
    in_pre: bool
    in_li: bool
    layout: bool  # inside a table that lays out a page (ModernGov agenda items), not a table of data
    line: int  # source line of the nearest element carrying _LINE_ATTR (Markdown), 0 if none
    html_line: int  # the HTML line that element started on


class _HtmlText(HTMLParser):
    """HTML to text lines: block elements break lines, rows of data tables become tab-separated lines."""

    def __init__(self, first_line: int, only_main: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.first_line, self.only_main = first_line, only_main
        self.stack = [_Open("", not only_main, False, False, False, False, 0, 0)]  # the document itself
        self.out: list[tuple[int, str]] = []
        self.buf: list[str] = []
        self.buf_line = 0
        self.prefix = ""  # list marker waiting for the item's first text
        self.row: list[str] | None = None
        self.row_line = 0
        self.cell: list[str] | None = None
        self.span = 1
        self.nested_tables = 0  # tables inside a cell are flattened into that cell
        self.closing = False
        self.cell_start = 0  # len(out) when the current layout cell began

    def _active(self) -> bool:
        return self.stack[-1].active

    def _line(self, html_line: int) -> int:
        top = self.stack[-1]
        return top.line + html_line - top.html_line if top.line else html_line + self.first_line - 1

    def _hidden(self, tag: str, attrs: dict[str, str | None]) -> bool:
        if tag in ("header", "footer"):  # site chrome, unless it heads an article
            return not self.stack[-1].in_article
        style = (attrs.get("style") or "").replace(" ", "").lower()
        return (
            tag in _SKIP
            or attrs.get("aria-hidden") == "true"
            or "hidden" in attrs
            or attrs.get("role") == "navigation"
            or "display:none" in style
        )

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "body":  # a <head> nobody closed must not hide the page
            self.handle_endtag("head")
        a = dict(attrs)
        if tag in _VOID:
            if self._active() and tag == "br":
                self._break()
            elif self._active() and tag == "hr":
                self._blank()
            return
        parent, line = self.stack[-1], a.get(_LINE_ATTR) or ""
        main = tag == "main" or a.get("role") == "main"  # inside main, hidden ancestors do not matter
        self.stack.append(
            _Open(
                tag,
                active=not self._hidden(tag, a) and (main or parent.active),
                in_article=parent.in_article or main or tag == "article",
                in_pre=parent.in_pre or tag == "pre",
                in_li=parent.in_li or tag == "li",
                layout=_layout_table(a) if tag == "table" else parent.layout,
                line=int(line) if line.isdigit() else parent.line,
                html_line=self.getpos()[0] if line.isdigit() else parent.html_line,
            )
        )
        if not self._active():
            return
        if (self.cell is not None and tag == "table") or (self.nested_tables and tag in _TABLE):
            self.nested_tables += tag == "table"
            self._break()
        elif tag in ("table", "tr") and self.stack[-1].layout:  # layout rows are blocks, cells are lines
            self._blank()
        elif tag in ("td", "th") and self.stack[-1].layout:
            self._break()
            self.cell_start = len(self.out)
        elif tag in ("td", "th"):
            self._start_cell(a)
        elif tag == "tr":
            self._start_row()
        elif tag == "li" and self.cell is None:
            self._break()
            value = a.get("value") or ""
            self.prefix = f"{value}. " if value.isdigit() else "- "
        elif tag in _PARAGRAPH and not self._nested_list(tag):
            self._blank()
        elif tag in _BLOCK:
            self._break()

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                self._pop_to(i)
                return

    def _pop_to(self, index: int) -> None:
        while len(self.stack) > index:
            entry = self.stack.pop()
            if entry.active:
                self._end(entry)

    def _end(self, entry: _Open) -> None:
        tag = entry.tag
        if self.nested_tables and tag in _TABLE:
            self.nested_tables -= tag == "table"
            self._break()
        elif tag in ("table", "tr") and entry.layout:
            self._blank()
        elif tag in ("td", "th") and entry.layout:
            self._break()
            texts = [text for _, text in self.out[self.cell_start :] if text]
            if len(texts) == 1 and _ITEM_NUMBER.fullmatch(texts[0]):  # "4." | "Pimlico District Heating"
                del self.out[self.cell_start :]
                self.prefix = texts[0] + " "
        elif tag in ("td", "th"):
            self._end_cell()
        elif tag in ("tr", "table"):
            self._end_row()
            if tag == "table":
                self._blank()
        elif tag == "li":
            self._break()
            self.prefix = ""
        elif tag in _PARAGRAPH and not self._nested_list(tag):
            self._blank()
        elif tag in _BLOCK:
            self._break()

    def handle_data(self, data: str) -> None:
        if not self._active() or (self.closing and re.match(r"<[a-zA-Z/!?]", data)):
            return
        data = plain_chars(data)
        start = self.getpos()[0]
        if self.cell is None and self.stack[-1].in_pre:  # newlines are line breaks
            for n, piece in enumerate(data.split("\n")):
                if n:
                    self._break()
                self._add(piece, start + n)
        else:
            self._add(data, start + data[: len(data) - len(data.lstrip())].count("\n"))

    def _add(self, text: str, html_line: int) -> None:
        if self.cell is not None:
            self.cell.append(text)
            self.row_line = self.row_line or (self._line(html_line) if text.strip() else 0)
        else:
            if self.row is not None and text.strip():  # text after a stray cell: that row is over
                self._end_row()
            self.buf.append(text)
            self.buf_line = self.buf_line or (self._line(html_line) if text.strip() else 0)

    def close(self) -> None:
        self.closing = True  # HTMLParser hands back an unfinished tag at the end as text; drop it
        super().close()
        self._pop_to(1)
        self._end_row()
        self._break()
        while self.out and not self.out[-1][1]:
            self.out.pop()

    def _break(self) -> None:
        if self.cell is not None:
            self.cell.append(" ")
            return
        text = " ".join("".join(self.buf).split())
        self.buf = []
        if text:
            if self.prefix and not (self.prefix == "- " and _NUMBERED.match(text)):
                text = self.prefix + text
            self.prefix = ""
            self.out.append((self.buf_line, text))
        self.buf_line = 0

    def _blank(self) -> None:
        self._break()
        if self.cell is None and self.out and self.out[-1][1]:
            self.out.append((self.out[-1][0], ""))

    def _nested_list(self, tag: str) -> bool:
        """A list inside a list item continues that list: no blank line around it."""
        return tag in ("ul", "ol") and self.stack[-1].in_li

    def _start_row(self) -> None:
        self._end_row()
        self._break()
        self.row, self.row_line = [], 0

    def _start_cell(self, attrs: dict[str, str | None]) -> None:
        if self.row is None:
            self._start_row()
        self._end_cell()
        span = attrs.get("colspan") or "1"
        self.cell, self.span = [], min(int(span), 50) if span.isdigit() and int(span) > 0 else 1

    def _end_cell(self) -> None:
        if self.cell is not None and self.row is not None:
            self.row.extend([" ".join("".join(self.cell).split())] + [""] * (self.span - 1))
        self.cell = None

    def _end_row(self) -> None:
        self._end_cell()
        if self.row is not None and any(self.row):
            self.out.append((self.row_line or self._line(self.getpos()[0]), "\t".join(self.row)))
        self.row = None
