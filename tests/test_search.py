"""The reader's story on /search/: a resident types a name or a subject and finds its pages,
shares the address, goes back to an earlier search, narrows by committee, year, person or
topic, sorts by date, and does it all from the keyboard. Whatever is typed (punctuation,
lunr syntax, markup) never breaks the page or runs as code, and nothing is fetched from
anywhere but the site itself.

The seed site is served once for the session; one browser context serves the whole module,
with a fresh context only where a test counts requests (a cached file sends none).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Dialog, Page, Route

from .browser import QUIET_FEATURES, disable_features_switches, serve
from .conftest import BuiltSite, build_site
from .test_pages import HOSTILE

# Every text the status line is given, in order, from the moment a page starts: an answer
# can be told from the one before it even when the words are the same.
RECORD_STATUS = """window.__statusWrites = [];
new MutationObserver(records => records.forEach(record => {
  const node = record.target.nodeType === 1 ? record.target : record.target.parentElement;
  if (node && node.id === 'search-status') window.__statusWrites.push(node.textContent);
})).observe(document, {childList: true, subtree: true, characterData: true});"""

# Since write ``n``, the status line has given its final answer for ``q``: once the page
# stops loading shards it says so at once; while loading, it says "so far" (or "Loading").
SETTLED = """([q, n]) => (window.__statusWrites || []).slice(n).some(text =>
  text.includes('\u2018' + q + '\u2019') && !text.includes('so far') && !text.startsWith('Loading'))"""

RESULTS = """() => [...document.querySelectorAll('#search-results > li')].map(li => {
  const text = selector => { const el = li.querySelector(selector); return el ? el.textContent : ''; };
  const link = li.querySelector('h2 a');
  return {
    kind: text('.mb-result__kind'), title: link.textContent, href: link.getAttribute('href'),
    meta: text('.mb-result__meta'), snippet: text('.mb-result__snippet'),
    marks: [...li.querySelectorAll('mark')].map(m => m.textContent),
    elements: [...li.querySelectorAll('*')].map(el => el.tagName.toLowerCase()),
  };
})"""


@dataclass(frozen=True)
class Result:
    kind: str
    title: str
    href: str
    meta: str
    snippet: str
    marks: list[str]
    elements: list[str]

    @property
    def date(self) -> str | None:
        """The meeting date of an item or meeting result, from its link; None for a person, topic or committee."""
        found = re.match(r"/meetings/(\d{4}-\d\d-\d\d)-", self.href)
        return found.group(1) if found else None


class Reader:
    """A page of the search in the browser, and everything that happened on it."""

    def __init__(self, page: Page, base_url: str) -> None:
        self.page = page
        self.base_url = base_url
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        page.on("pageerror", lambda error: self.errors.append(f"page error: {error}"))
        page.on("console", lambda message: self.errors.append(f"console: {message.text}") if message.type == "error" else None)
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("dialog", self._dialog)
        page.add_init_script(RECORD_STATUS)

    def _dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def open(self, **params: str) -> None:
        """Go to /search/ with these parameters, as following a shared link does."""
        query = urlencode(params)
        response = self.page.goto(f"{self.base_url}/search/" + (f"?{query}" if query else ""))
        assert response is not None and response.status == 200
        self.settle(params.get("q", ""), since=0)

    def wait_for(self, held: list[Route]) -> None:
        """Until the page has asked for a file the test holds back (5 s at most)."""
        for _ in range(250):
            if held:
                return
            self.page.wait_for_timeout(20)
        raise AssertionError("the page never asked for the file")

    def search(self, words: str) -> None:
        """Type into the search box and press Enter."""
        since = self.writes()
        self.page.fill("#search-q", words)
        self.page.press("#search-q", "Enter")
        self.settle(words.strip(), since)

    def writes(self) -> int:
        return int(self.page.evaluate("() => (window.__statusWrites || []).length"))

    def settle(self, query: str, since: int) -> None:
        """Wait for the answer to ``query`` given after status write number ``since``."""
        if query:
            self.page.wait_for_function(SETTLED, arg=[query, since], timeout=10_000)
        else:  # nothing to announce: wait for the directory and the newest year to arrive
            self.page.wait_for_load_state("networkidle")

    def choose(self, name: str, value: str) -> None:
        """Pick a filter or sort order and wait for the answer."""
        since = self.writes()
        self.page.select_option(f"#search-{name}", value)
        self.settle(self.page.input_value("#search-q"), since)

    def show_all(self) -> None:
        """Press "Show more results" until every result is listed."""
        while self.page.is_visible("#search-more"):
            since = self.writes()
            self.page.click("#search-more")
            self.settle(self.page.input_value("#search-q"), since)

    def options(self, name: str) -> dict[str, str]:
        """A filter's choices: value -> label, such as "2018" -> "2018". The person and topic
        lists are fetched when the filters are first used, as a keyboard or a pointer reaches them."""
        self.page.focus(f"#search-{name}")
        self.page.wait_for_load_state("networkidle")
        pairs = self.page.eval_on_selector_all(f"#search-{name} option", "os => os.map(o => [o.value, o.textContent])")
        return {value: label for value, label in pairs if value}

    def params(self) -> dict[str, str]:
        return {key: values[0] for key, values in parse_qs(urlsplit(self.page.url).query).items()}

    def status(self) -> str:
        return self.page.text_content("#search-status") or ""

    def count(self) -> int:
        found = re.match(r"(\d+) results? for ", self.status())
        assert found, f"the status gives no count: {self.status()!r}"
        return int(found.group(1))

    def results(self) -> list[Result]:
        return [Result(**row) for row in self.page.evaluate(RESULTS)]

    def xss(self) -> str:
        return str(self.page.evaluate("typeof window.__xss"))


@pytest.fixture(scope="module")
def context(chromium: Browser) -> Iterator[BrowserContext]:
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    yield context
    context.close()


@pytest.fixture
def reader(context: BrowserContext, seed_server: str) -> Iterator[Reader]:
    page = context.new_page()
    yield Reader(page, seed_server)
    page.close()


def test_a_name_or_a_subject_finds_its_page(reader: Reader, seed_site: BuiltSite) -> None:
    people = {p["name"]: p["url"] for p in seed_site.data("people")}
    topics = {t["name"]: t["url"] for t in seed_site.data("topics")}
    reader.open(q="Crompton")
    first = reader.results()[0]
    assert (first.kind, first.title, first.href) == ("Person", "C Crompton", people["C Crompton"])

    reader.search("risk register")
    results = reader.results()
    assert results[0].href == topics["Corporate Risk and Opportunity Register"]
    items = [r.title for r in results if r.kind == "Agenda item"]
    assert "5. Corporate Risk and Opportunity Register - Quarter 4" in items
    assert "5. Risk Register Quarter 4 Report" in items

    # Words ending in a vowel and y are stemmed alike at build and in the browser.
    reader.search("Buckley")
    assert people["P Buckley"] in [r.href for r in reader.results()]
    reader.search("highways")
    assert topics["Highways"] in [r.href for r in reader.results()]
    assert reader.errors == []


def test_a_result_shows_its_title_meeting_and_a_snippet_with_the_words_marked(reader: Reader) -> None:
    reader.open(q="risk register")
    item = next(r for r in reader.results()
                if r.title == "5. Corporate Risk and Opportunity Register - Quarter 4" and r.meta.endswith("2019"))
    assert item.kind == "Agenda item"
    assert item.meta == "Cabinet Committee on Performance Improvement, 26 February 2019"
    assert item.href == "/meetings/2019-02-26-cabinet-committee-on-performance-improvement/#item-5"
    assert item.snippet and len(item.snippet) < 1000  # a window of the minutes, not all of them
    marked = {m.lower().strip(".,;:()") for m in item.marks}
    assert {"risk", "register"} <= marked
    assert all(re.match(r"(risk|regist)", word) for word in marked), marked


def test_the_beginning_of_a_word_is_enough(reader: Reader) -> None:
    reader.open(q="perform")
    titles = [r.title for r in reader.results()]
    assert "Cabinet Committee on Performance Improvement" in titles
    assert "6. Quarterly Performance Summary Report" in titles
    assert "Performance" in reader.results()[0].marks + reader.results()[1].marks
    reader.search("cromp")  # not a stem of "Crompton", only its beginning
    assert reader.results()[0].title == "C Crompton"


def test_the_address_can_be_shared_and_back_and_forward_return_earlier_searches(reader: Reader) -> None:
    reader.open()
    reader.search("risk register")
    assert reader.params() == {"q": "risk register"}
    first = (reader.status(), [r.href for r in reader.results()])
    reader.search("Crompton")
    assert reader.params() == {"q": "Crompton"}
    second = (reader.status(), [r.href for r in reader.results()])

    since = reader.writes()
    reader.page.go_back()
    reader.settle("risk register", since)
    assert reader.params() == {"q": "risk register"}
    assert reader.page.input_value("#search-q") == "risk register"
    assert (reader.status(), [r.href for r in reader.results()]) == first

    since = reader.writes()
    reader.page.go_forward()
    reader.settle("Crompton", since)
    assert reader.page.input_value("#search-q") == "Crompton"
    assert (reader.status(), [r.href for r in reader.results()]) == second

    # The address alone, opened afresh, gives the same answer.
    shared = reader.page.url
    other = Reader(reader.page.context.new_page(), reader.base_url)
    other.page.goto(shared)
    other.settle("Crompton", since=0)
    assert (other.status(), [r.href for r in other.results()]) == second
    other.page.close()
    assert reader.errors == other.errors == []


@pytest.mark.parametrize("facet", ["year", "committee", "person", "topic"])
def test_a_filter_narrows_the_results_and_goes_in_the_address(reader: Reader, facet: str, seed_site: BuiltSite) -> None:
    reader.open(q="risk")
    everything = reader.count()
    reader.show_all()
    unfiltered = {r.href for r in reader.results()}
    assert everything == len(unfiltered)
    options = reader.options(facet)
    assert options, f"no {facet} to choose from"
    value = next(iter(options)) if facet != "year" else "2018"

    reader.choose(facet, value)
    assert reader.params() == {"q": "risk", facet: value}
    reader.show_all()
    results = reader.results()
    assert 0 < reader.count() == len(results) < everything, f"{facet}={value} left {reader.count()} of {everything}"
    assert {r.href for r in results} <= unfiltered
    if facet == "year":
        assert {r.date[:4] for r in results if r.date} == {"2018"}
    if facet == "committee":
        name = next(c["name"] for c in seed_site.data("committees") if c["id"] == value)
        assert all(r.meta.startswith(name) for r in results), [r.meta for r in results]
        assert {r.kind for r in results} <= {"Agenda item", "Meeting"}
    if facet == "topic":
        topic = next(t for t in seed_site.data("topics") if t["id"] == value)
        listed = {f"/meetings/{i['meeting']}/#{i['anchor']}" for i in topic["items"]}
        assert {r.href for r in results} <= listed
    if facet == "person":
        person = next(p for p in seed_site.data("people") if p["id"] == value)
        assert {r.href.split("#")[0] for r in results if r.kind == "Meeting"} <= {
            f"/meetings/{m}/" for m in person["attended"] + person["apologies"]}
    assert reader.errors == []


def test_newest_first_sorts_by_meeting_date(reader: Reader) -> None:
    reader.open(q="risk", sort="date")
    assert reader.page.input_value("#search-sort") == "date"
    dates = [r.date for r in reader.results()]
    dated = [d for d in dates if d]
    assert dated[0] == "2019-02-26"
    assert dated == sorted(dated, reverse=True), dates
    assert dates[: len(dated)] == dated  # people, topics and undated meetings come after

    reader.choose("sort", "")  # back to best match: the topic comes first again
    assert reader.params() == {"q": "risk"}
    assert reader.results()[0].kind == "Topic"


def test_the_count_is_announced_and_no_results_offers_help(reader: Reader) -> None:
    reader.open(q="risk")
    assert reader.page.get_attribute("#search-status", "role") == "status"
    assert re.fullmatch(r"\d+ results for ‘risk’", reader.status())
    assert reader.page.is_hidden("#search-no-results")

    reader.search("xqzvjw")
    assert reader.status() == "0 results for ‘xqzvjw’"
    assert reader.results() == []
    assert reader.page.is_visible("#search-no-results")
    assert "check the spelling" in reader.page.inner_text("#search-no-results")


def test_a_search_typed_before_its_words_arrive_waits_for_them(reader: Reader) -> None:
    held: list[Route] = []
    reader.page.route("**/search/*/t/*.json", lambda route: held.append(route))
    reader.page.goto(reader.base_url + "/search/")
    reader.page.fill("#search-q", "risk")
    reader.page.press("#search-q", "Enter")
    reader.wait_for(held)
    reader.page.wait_for_timeout(600)  # longer than the status line waits before speaking
    assert reader.status() == "Searching…"
    assert reader.page.is_hidden("#search-no-results")
    since = reader.writes()
    for route in held:
        route.continue_()
    reader.page.unroute("**/search/*/t/*.json")  # no other word to hold back
    reader.settle("risk", since)
    assert reader.count() > 0
    assert reader.errors == []


def test_the_page_is_first_shown_ready_to_search_not_with_the_notice_for_readers_without_javascript(
        reader: Reader) -> None:
    """While search.js is on its way nothing is painted, so the notice for readers without
    JavaScript never shows and then jumps away; the first paint is the search, ready."""
    held: list[Route] = []
    reader.page.route("**/assets/search.*.js", lambda route: held.append(route))
    reader.page.goto(reader.base_url + "/search/?q=risk", wait_until="commit")
    reader.wait_for(held)
    reader.page.wait_for_timeout(500)  # the stylesheet and the page are in: a page not held back is painted by now
    assert reader.page.evaluate("performance.getEntriesByType('paint').length") == 0
    held[0].continue_()
    reader.settle("risk", since=0)
    # painted once search.js is in; the paint's entry is recorded a frame later, so it is waited for
    reader.page.wait_for_function("performance.getEntriesByType('paint').length > 0", timeout=5000)
    assert reader.page.is_hidden("#search-noscript") and reader.page.is_visible("#search-filters")
    assert reader.count() > 0
    assert reader.errors == []


def test_a_page_whose_manifest_was_mangled_fetches_it_and_waits_for_it(reader: Reader) -> None:
    """A proxy or an HTML minifier may spoil the manifest the page holds: the search fetches
    the published one instead, and a search typed meanwhile waits for it."""
    def mangled(route: Route) -> None:
        page = route.fetch().text()
        route.fulfill(body=re.sub(r'(id="search-manifest"[^>]*>)[^<]*', r"\1{not json", page),
                      content_type="text/html; charset=utf-8")

    reader.page.route("**/search/", mangled)
    held: list[Route] = []
    reader.page.route("**/search/*/manifest.json", lambda route: held.append(route))
    reader.page.goto(reader.base_url + "/search/")
    reader.wait_for(held)
    reader.page.fill("#search-q", "risk")
    reader.page.press("#search-q", "Enter")
    reader.page.wait_for_timeout(600)
    assert reader.status() == "Loading the search index…"
    assert reader.page.is_hidden("#search-no-results")
    since = reader.writes()
    held[0].continue_()
    reader.settle("risk", since)
    assert reader.count() > 0
    assert reader.errors == []


def test_search_works_from_the_keyboard_alone(reader: Reader) -> None:
    reader.open()
    page = reader.page
    focused = "() => document.activeElement && (document.activeElement.id || document.activeElement.getAttribute('href'))"
    page.keyboard.press("Tab")
    assert page.evaluate(focused) == "#main-content"  # the skip link
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate(focused) == "search-q"
    since = reader.writes()
    page.keyboard.type("risk register")
    page.keyboard.press("Enter")
    reader.settle("risk register", since)
    first = reader.results()[0].href

    for _ in range(12):  # past the Search button, the filters and the sort order
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.closest('#search-results') !== null"):
            break
    assert page.evaluate(focused) == first
    page.keyboard.press("Enter")
    page.wait_for_url(reader.base_url + first)

    # From the top of the page without the skip link, Tab reaches the box too.
    reader.open()
    presses = 0
    while page.evaluate(focused) != "search-q" and presses < 15:
        page.keyboard.press("Tab")
        presses += 1
    assert page.evaluate(focused) == "search-q", f"not reached in {presses} presses of Tab"
    assert reader.errors == []


FORGIVING = ["item 5: risk", "19:00", "^", "~", "+", "-", '"unbalanced', "title:budget", "*", "risk~1", "the", ""]


@pytest.mark.parametrize("words", FORGIVING, ids=lambda words: repr(words))
def test_any_typing_gives_an_answer_never_an_error(reader: Reader, words: str) -> None:
    reader.open(q=words)  # as a link gives it
    status = reader.status()
    reader.search(words)  # and as typed
    assert reader.status() == status
    assert reader.errors == []
    if not words:
        assert status == "" and reader.results() == []
        return
    assert f"‘{words}’" in status
    if words == "the":
        assert status == "Type a word to search for: ‘the’ has only common words, which are not searched."
    elif re.search(r"\w", words):
        assert re.match(r"\d+ results? for ", status), status
    else:
        assert status == f"Type a word to search for: ‘{words}’ has no letters or numbers in it."
    if words == "item 5: risk":
        assert reader.count() > 0
        assert any("Risk" in r.title for r in reader.results())


@pytest.mark.parametrize("words", ["<img src=x onerror=window.__xss=1>", '"><script>window.__xss=2</script>'])
def test_a_query_is_shown_as_text_never_run(reader: Reader, words: str) -> None:
    reader.open(q=words)
    assert f"‘{words}’" in reader.status()
    assert reader.page.query_selector_all("#search-status *, #search-results img, #search-results script") == []
    reader.search(words)  # typed as well as linked
    assert f"‘{words}’" in reader.status()
    assert reader.xss() == "undefined"
    assert reader.dialogs == reader.errors == []


HOSTILE_MINUTES = HOSTILE.replace("alert(1)", "window.__xss=3").replace("alert(2)", "window.__xss=4") + """
2. Correspondence

The treasurer forwarded an email that read <img src=x onerror=window.__xss=5 and nothing else.
"""


def test_markup_in_the_minutes_is_shown_as_text_in_results(context: BrowserContext, tmp_path: Path, make_content) -> None:  # type: ignore[no-untyped-def]
    site = build_site(make_content({"hostile.txt": HOSTILE_MINUTES}), tmp_path / "site")
    assert site.result.published
    with serve(site.out) as base_url:
        hostile = Reader(context.new_page(), base_url)
        hostile.open(q="clerk")
        assert [r.title for r in hostile.results()] == ["1. Planning"]
        hostile.search("treasurer")
        (result,) = hostile.results()
        # What the build left of the markup reaches the page as text, never as elements.
        assert "<img src=x onerror=window.__xss=5" in result.snippet
        assert set(result.elements) <= {"p", "h2", "a", "mark"}, result.elements
        assert hostile.page.query_selector_all("#search-results img, #search-results script") == []
        assert hostile.xss() == "undefined"
        assert hostile.dialogs == hostile.errors == []
        hostile.page.close()


def test_a_search_session_fetches_nothing_from_elsewhere(chromium: Browser, seed_server: str) -> None:
    context = chromium.new_context()
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    reader = Reader(context.new_page(), seed_server)
    reader.open()
    reader.search("risk register")
    reader.choose("year", "2018")
    reader.choose("sort", "date")
    reader.page.click("#search-results a >> nth=0")
    reader.page.wait_for_load_state("load")
    reader.page.go_back()
    reader.settle("risk register", since=0)
    context.close()
    assert any(url.endswith(".json") for url in requests)
    assert [url for url in requests if not url.startswith(seed_server + "/")] == []


def test_a_search_fetches_only_its_words_and_the_results_it_shows(chromium: Browser, seed_server: str,
                                                                  seed_site: BuiltSite) -> None:
    (folder,) = [p for p in (seed_site.out / "search").iterdir() if p.is_dir()]
    published = {f"/search/{folder.name}/{p.relative_to(folder)}" for p in folder.rglob("*.json")}
    context = chromium.new_context()
    reader = Reader(context.new_page(), seed_server)

    def fetched() -> set[str]:
        reader.page.wait_for_load_state("networkidle")
        return {urlsplit(url).path for url in reader.requests if url.endswith(".json")}

    reader.open(q="Crompton")
    files = fetched()
    assert files <= published
    assert {f.split("/")[3] for f in files} == {"t", "r"}, files  # the page holds the manifest; no postings, no filters
    assert len([f for f in files if "/t/" in f]) == 1  # one dictionary bucket for one word
    reader.search("risk")
    more = fetched() - files
    assert {f.split("/")[3] for f in more} <= {"t", "r"}, more
    assert len(fetched()) < len(published) / 3
    context.close()


def parish_minutes(number: int) -> str:
    """A parish meeting whose items all mention the budget, some more often than others: over
    a season of them, "budget" has more postings than its dictionary bucket carries. One item
    is about the budget by name."""
    day = date(2023, 1, 2) + timedelta(days=7 * number)
    items = []
    for n in range(1, 6):
        title = "Budget Monitoring" if (number, n) == (17, 3) else f"Item {n} of meeting {number}"
        mentions = " ".join(["The budget was discussed."] * (1 + (number * n) % 4))
        items.append(f"{n}. {title}\n\nThe clerk reported. {mentions}\n\nResolved: That the report be noted.\n")
    return (f"Anytown Parish Council\n\nMinutes of the Meeting of Anytown Parish Council held on "
            f"{day:%A} {day.day} {day:%B %Y} at 7.30pm in the Village Hall\n\n"
            "Present: Cllrs A Smith (Chairman), B Jones\n\n" + "\n".join(items))


@pytest.fixture(scope="module")
def parish_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    content = tmp_path_factory.mktemp("parish") / "content"
    content.mkdir()
    for number in range(40):
        (content / f"meeting-{number:02d}.txt").write_text(parish_minutes(number), encoding="utf-8")
    site = build_site(content, content.parent / "site")
    assert site.result.published
    with serve(site.out) as base_url:
        yield base_url


def test_the_best_results_show_while_the_rest_are_worked_out(chromium: Browser, parish_server: str) -> None:
    def answer(reader: Reader) -> tuple[str, list[str]]:
        return reader.status(), [r.href for r in reader.results()]

    context = chromium.new_context()
    whole = Reader(context.new_page(), parish_server)
    whole.open(q="budget monitoring")
    expected = answer(whole)
    assert any("/p/" in url for url in whole.requests), "budget's further postings were never needed"
    assert expected[0] == "3 results for ‘budget monitoring’" and len(expected[1]) == 3
    context.close()

    # The first results are certain before budget's further postings are in: they are shown,
    # in their places, while those postings are held back; the count waits for the answer.
    context = chromium.new_context()
    held: list[Route] = []
    released: list[bool] = []

    def hold(route: Route) -> None:
        if released:
            route.continue_()
        else:
            held.append(route)

    early = Reader(context.new_page(), parish_server)
    early.page.route("**/p/*.json", hold)
    early.page.goto(f"{parish_server}/search/?q=budget+monitoring")
    early.page.wait_for_selector("#search-results li")
    early.page.wait_for_timeout(200)
    early.wait_for(held)
    shown = [r.href for r in early.results()]
    assert 0 < len(shown) < 3 and shown == expected[1][: len(shown)]
    # No count yet; a search still working says so once it has taken 400 ms (sooner or later
    # than this line on a busy machine).
    assert early.status() in ("", "Searching…") and early.page.is_hidden("#search-no-results")
    since = early.writes()
    released.append(True)
    for route in held:
        route.continue_()
    early.settle("budget monitoring", since)
    assert answer(early) == expected
    assert early.errors == []
    context.close()


def test_the_browser_builds_no_address_bar_popup_beside_a_page_it_opens(chromium: Browser, seed_server: str) -> None:
    """Each new context of the browser the tests and bench/ drive opens the page alone: Chromium's own
    suggestion popup (hundreds of chrome:// requests a window) would share the cores with the page's
    script, and bench/ times a cold search in a new context."""
    switches = disable_features_switches(chromium)
    assert len(switches) == 1 and set(QUIET_FEATURES) <= set(switches[0].removeprefix("--disable-features=").split(","))
    chromium.start_tracing(categories=["devtools.timeline", "loading"])
    context = chromium.new_context()
    page = context.new_page()
    page.goto(f"{seed_server}/search/?q=risk")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)
    context.close()
    events = json.loads(chromium.stop_tracing())
    events = events["traceEvents"] if isinstance(events, dict) else events
    urls = [e["args"]["data"].get("url", "") for e in events if e.get("name") == "ResourceSendRequest"]
    assert any(url.startswith(f"{seed_server}/search/") for url in urls)
    assert [url for url in urls if url.startswith("chrome")] == []
