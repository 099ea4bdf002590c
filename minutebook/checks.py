"""Checks on a built site: every internal link, stylesheet, script, image and form target
resolves to a file that was published, and every ``#fragment`` names an element on its page.

A reader who follows a link from a meeting to a person, or from a topic to one item of a
meeting, must land where the link promised. The crawl reads the files on disk rather than
following links from the home page, so pages nothing links to are checked too.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser

# Element -> the attribute whose URL must resolve inside the site.
REFERENCES = {"a": "href", "link": "href", "script": "src", "img": "src", "form": "action"}
SELECTOR = ", ".join(f"{tag}[{attribute}]" for tag, attribute in REFERENCES.items())
# Links that leave the site are not ours to check; data: URLs carry their content inline.
SKIPPED_SCHEMES = frozenset({"http", "https", "mailto", "tel", "data"})
NOT_FOUND_PAGE = "404.html"


@dataclass(frozen=True, order=True)
class LinkProblem:
    """One reference on one page that does not lead where it says."""

    page: str  # path of the page relative to the site root, e.g. "meetings/x/index.html"
    href: str  # the URL as written in the page
    reason: str

    def __str__(self) -> str:
        return f"{self.page}: {self.href}: {self.reason}"


def check_links(site: Path) -> list[LinkProblem]:
    """Every problem with internal references on every ``*.html`` page under ``site``.

    Pages are visited in sorted path order and references in document order, so two runs
    over the same site report the same list in the same order.
    """
    site = site.resolve()
    ids: dict[Path, frozenset[str]] = {}
    problems: list[LinkProblem] = []
    for page in sorted(site.rglob("*.html")):
        tree = LexborHTMLParser(page.read_bytes().decode("utf-8", errors="replace"))
        ids[page] = _ids_in(tree)
        rel = page.relative_to(site).as_posix()
        for node in tree.css(SELECTOR):  # one selector list: references come out in document order
            href = node.attributes.get(REFERENCES[node.tag or ""]) or ""
            reason = _check(site, page, rel, href.strip(), ids)
            if reason:
                problems.append(LinkProblem(rel, href, reason))
    return problems


def _check(site: Path, page: Path, rel: str, href: str, ids: dict[Path, frozenset[str]]) -> str | None:
    """Why ``href`` on ``page`` is broken, or None when it resolves (or is not ours to check)."""
    parts = urlsplit(href)
    if parts.netloc or parts.scheme in SKIPPED_SCHEMES:
        return None
    if parts.scheme:
        return f"unsupported URL scheme '{parts.scheme}:'"
    if parts.path and not parts.path.startswith("/") and rel == NOT_FOUND_PAGE:
        # The host serves 404.html at whatever URL was missing, so relative links break there.
        return "relative link in the 404 page; it is served at any depth, so use a root-relative URL"
    target = page  # "", "#x" or "?q=x": this same page
    if parts.path:
        found = _target(site, rel, href)
        if found is None:
            return "points outside the site"
        target = found
        if not target.is_file():
            return f"no such file: {target.relative_to(site).as_posix()}"
    fragment = parts.fragment
    if not fragment or target.suffix != ".html":
        return None
    if target not in ids:
        ids[target] = _ids_in(LexborHTMLParser(target.read_bytes().decode("utf-8", errors="replace")))
    if fragment in ids[target] or unquote(fragment) in ids[target]:
        return None
    where = "this page" if target == page else target.relative_to(site).as_posix()
    return f"no element with id '{unquote(fragment)}' on {where}"


def local_file(site: Path, page: str, href: str) -> Path | None:
    """The file under ``site`` that ``href`` on ``page`` (relative to the site) asks for;
    None for links that leave the site. The file need not exist."""
    parts = urlsplit(href.strip())
    if parts.netloc or parts.scheme:
        return None
    return _target(site.resolve(), page, href.strip())


def _target(site: Path, page: str, href: str) -> Path | None:
    """The file a static host serves for ``href`` on ``page``, resolved against the page's URL
    as a browser would: folders and ``/`` mean their index.html. None if outside the site."""
    path = unquote(urlsplit(urljoin("/" + page, href)).path)
    target = (site / path.lstrip("/")).resolve()
    if target != site and site not in target.parents:
        return None
    if path.endswith("/") or target.is_dir():
        target = target / "index.html"
    return target


def _ids_in(tree: LexborHTMLParser) -> frozenset[str]:
    """Fragment targets on a page: element ids, and the names of old-style ``<a name>`` anchors."""
    found = {node.attributes.get("id") or "" for node in tree.css("[id]")}
    found |= {node.attributes.get("name") or "" for node in tree.css("a[name]")}
    return frozenset(found - {""})
