"""The reader's story with a screen reader, a keyboard or a phone: every kind of page passes
axe-core's WCAG 2.2 AA rules on a desktop and at 320 CSS pixels, reflows without sideways
scrolling at 320 px (WCAG 1.4.10), and starts with a visible skip link to its main content.

One page stands for each page type (the largest, so the one with the most content); the page
types are read from a build of the seed content when the tests are collected, so new page
types are covered as soon as the site has them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page
from selectolax.lexbor import LexborHTMLParser

from .browser import NODE_MODULES, PageType, require, seed_page_types
from .conftest import BuiltSite

AXE = NODE_MODULES / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
WIDTHS = (1280, 320)
PAGE_TYPES = seed_page_types()

OpenPage = Callable[[PageType, int], Page]


@pytest.fixture
def open_page(chromium: Browser, seed_server: str) -> Iterator[OpenPage]:
    """Open a page of the served seed site in a fresh browser context at a viewport width."""
    contexts = []

    def open_(page_type: PageType, width: int) -> Page:
        context = chromium.new_context(viewport={"width": width, "height": 900})
        contexts.append(context)
        page = context.new_page()
        response = page.goto(seed_server + page_type.path, wait_until="load")
        assert response is not None and response.status == 200, f"{page_type.path}: HTTP {response and response.status}"
        return page

    yield open_
    for context in contexts:
        context.close()


def describe_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for rule in violations:
        nodes = rule["nodes"]
        targets = "; ".join(" ".join(map(str, node["target"])) for node in nodes[:3])
        more = f" and {len(nodes) - 3} more" if len(nodes) > 3 else ""
        lines.append(
            f"  {rule['id']} ({rule['impact']}): {rule['help']}\n    at {targets}{more}\n    {rule['helpUrl']}"
        )
    return "\n".join(lines)


@pytest.mark.parametrize("width", WIDTHS, ids=lambda width: f"{width}px")
@pytest.mark.parametrize("page_type", PAGE_TYPES, ids=str)
def test_every_page_type_has_no_axe_wcag_violations(page_type: PageType, width: int, open_page: OpenPage) -> None:
    require(AXE.is_file(), f"{AXE.relative_to(NODE_MODULES.parent)} is missing; `make test` runs npm ci")
    page = open_page(page_type, width)
    page.add_script_tag(path=str(AXE))
    results = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        WCAG_TAGS,
    )
    violations = results["violations"]
    assert violations == [], (
        f"{page_type.path} at {width}px has {len(violations)} axe violations:\n{describe_violations(violations)}"
    )


# The innermost elements that stick out past the right edge of the viewport, leaving out those
# inside a container that scrolls or clips on its own: the ones that force sideways scrolling.
OVERFLOWING = """() => {
  const limit = document.documentElement.clientWidth;
  const contained = el => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      if (getComputedStyle(p).overflowX !== 'visible') return true;
    }
    return false;
  };
  const over = [...document.body.querySelectorAll('*')].filter(
    el => el.getBoundingClientRect().right > limit + 0.5 && !contained(el));
  const culprits = over.filter(el => !over.some(other => other !== el && el.contains(other)));
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    [...el.classList].map(c => '.' + c).join('');
  return culprits.slice(0, 5).map(el => {
    const box = el.getBoundingClientRect();
    return `${name(el)} (${Math.round(box.width)}px wide, right edge at ${Math.round(box.right)}px): ` +
      JSON.stringify((el.textContent || '').trim().slice(0, 60));
  });
}"""


@pytest.mark.parametrize("page_type", PAGE_TYPES, ids=str)
def test_every_page_type_reflows_at_320px_without_scrolling_sideways(page_type: PageType, open_page: OpenPage) -> None:
    page = open_page(page_type, 320)
    scroll_width, viewport = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    if scroll_width > viewport:
        culprits = "\n".join(f"  {c}" for c in page.evaluate(OVERFLOWING)) or "  (no single element found)"
        pytest.fail(f"{page_type.path} is {scroll_width}px wide in a {viewport}px viewport; too wide:\n{culprits}")


# Elements that can take keyboard focus, as one CSS selector list (document order in both
# the browser and selectolax).
FOCUSABLE = ", ".join(
    [
        "a[href]",
        "area[href]",
        "button:not([disabled])",
        "input:not([disabled]):not([type=hidden])",
        "select:not([disabled])",
        "textarea:not([disabled])",
        "iframe",
        "summary",
        '[tabindex]:not([tabindex="-1"])',
        '[contenteditable]:not([contenteditable="false"])',
    ]
)


def skip_link_problem(html: str) -> str | None:
    """Why a page does not start with a skip link to its <main>, or None when it does."""
    tree = LexborHTMLParser(html)
    main_ids = [main.attributes.get("id") or "" for main in tree.css("main")]
    if len(main_ids) != 1:
        return f"{len(main_ids)} <main> elements; expected one"
    if not main_ids[0]:
        return "<main> has no id for a skip link to target"
    first = tree.css_first(FOCUSABLE)
    if first is None or first.attributes.get("href") != f"#{main_ids[0]}":
        found = first.html[:120] if first is not None and first.html else "nothing"
        return f"the first focusable element should be a skip link to #{main_ids[0]}; found {found}"
    return None


def test_every_page_starts_with_a_skip_link_to_its_main_content(seed_site: BuiltSite) -> None:
    """Every page, not one of each type: a keyboard user's first Tab must offer to skip the header."""
    problems = []
    for html in sorted(seed_site.out.rglob("*.html")):
        problem = skip_link_problem(html.read_text(encoding="utf-8"))
        if problem:
            problems.append(f"  {html.relative_to(seed_site.out).as_posix()}: {problem}")
    assert problems == [], f"{len(problems)} pages without a skip link first:\n" + "\n".join(problems)


# What shows that an element has focus: an outline, a box shadow, or a change of colours.
FOCUS_LOOK = """el => {
  const s = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  return {
    outline: s.outlineStyle === 'none' ? 'none' : `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}`,
    boxShadow: s.boxShadow, background: s.backgroundColor, color: s.color,
    width: box.width, height: box.height,
  };
}"""


@pytest.mark.parametrize("page_type", PAGE_TYPES, ids=str)
def test_one_tab_focuses_the_skip_link_and_shows_it(page_type: PageType, open_page: OpenPage) -> None:
    page = open_page(page_type, 1280)
    problem = skip_link_problem(page.content())
    assert problem is None, f"{page_type.path}: {problem}"
    skip_link = page.evaluate_handle("selector => document.querySelector(selector)", FOCUSABLE).as_element()
    assert skip_link is not None

    unfocused = skip_link.evaluate(FOCUS_LOOK)
    page.keyboard.press("Tab")
    assert skip_link.evaluate("el => el === document.activeElement"), (
        f"{page_type.path}: one Tab focused {page.evaluate('document.activeElement.outerHTML.slice(0, 120)')}, "
        "not the skip link"
    )
    focused = skip_link.evaluate(FOCUS_LOOK)
    changed = [key for key in ("outline", "boxShadow", "background") if focused[key] != unfocused[key]]
    assert changed, f"{page_type.path}: the focused skip link looks the same as unfocused: {focused}"
    assert focused["width"] > 1 and focused["height"] > 1, (
        f"{page_type.path}: the focused skip link is not visible ({focused['width']}x{focused['height']}px)"
    )
