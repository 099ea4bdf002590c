"""The reader's story: every link on the published site goes somewhere. A link from a meeting to
a person, from a topic to one item of a meeting, or to the stylesheet lands on a page that
exists and, when it names a #fragment, on an element with that id."""

from __future__ import annotations

from pathlib import Path

from minutebook.checks import LinkProblem, check_links

from .conftest import BuiltSite


def test_every_link_and_anchor_on_the_seed_site_resolves(seed_site: BuiltSite) -> None:
    problems = check_links(seed_site.out)
    assert problems == [], f"{len(problems)} broken links or anchors:\n" + "\n".join(f"  {p}" for p in problems)


def write_site(root: Path, pages: dict[str, str]) -> Path:
    for name, body in pages.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"<!DOCTYPE html><html lang=en><title>t</title><body>{body}</body></html>", encoding="utf-8")
    return root


def test_the_checker_reports_exactly_the_broken_links_and_missing_anchors(tmp_path: Path) -> None:
    site = write_site(
        tmp_path / "site",
        {
            "index.html": (
                '<a href="/meetings/one/">good: a folder means its index.html</a>'
                '<a href="meetings/one/#item-2">good: relative, with an anchor that exists</a>'
                '<a href="/meetings/one#item-1">good: a folder without its slash</a>'
                '<a href="#top">good: an anchor on this page</a><p id="top"></p>'
                '<a href="https://example.org/nowhere">skipped: external</a>'
                '<a href="mailto:clerk@example.org">skipped: email</a>'
                '<a href="/meetings/two/">broken: no such meeting</a>'
                '<a href="/meetings/one/#item-9">broken: no such item</a>'
                '<a href="#nowhere">broken: no such anchor on this page</a>'
                '<link rel="stylesheet" href="/assets/missing.css">'
            ),
            "meetings/one/index.html": (
                '<section id="item-1"></section><section id="item-2"></section>'
                '<a href="../../">good: up to the home page</a>'
                '<a href="../one/%69ndex.html#item-1">good: percent-encoded</a>'
                '<img src="chart.png" alt="broken: image not published">'
            ),
        },
    )

    assert check_links(site) == [
        LinkProblem("index.html", "/meetings/two/", "no such file: meetings/two/index.html"),
        LinkProblem("index.html", "/meetings/one/#item-9", "no element with id 'item-9' on meetings/one/index.html"),
        LinkProblem("index.html", "#nowhere", "no element with id 'nowhere' on this page"),
        LinkProblem("index.html", "/assets/missing.css", "no such file: assets/missing.css"),
        LinkProblem("meetings/one/index.html", "chart.png", "no such file: meetings/one/chart.png"),
    ]
    assert str(check_links(site)[0]) == "index.html: /meetings/two/: no such file: meetings/two/index.html"


def test_the_404_page_must_use_root_relative_links(tmp_path: Path) -> None:
    """404.html is served at whatever URL was missing, so "meetings/" would resolve anywhere."""
    site = write_site(
        tmp_path / "site", {"index.html": "", "404.html": '<a href="/">home</a><a href="index.html">home</a>'}
    )

    assert [p.href for p in check_links(site)] == ["index.html"]
