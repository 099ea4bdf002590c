"""``sitemap.xml`` (sitemaps.org 0.9) and ``robots.txt``: how search engines find every page,
including meetings and people nothing on the home page links to directly.

No ``lastmod``: the content gives meeting dates, not the dates pages changed, and the build's
clock would make every build differ.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import quote
from xml.etree import ElementTree

from .config import SiteConfig

SITEMAP_PATH = "sitemap.xml"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
PRIVATE = "build-report/"
"""The staff build report: published with the site, but not for search engines."""
NOT_FOUND_PAGE = "404.html"


def sitemap_files(pages: Iterable[str], config: SiteConfig) -> dict[str, str | bytes]:
    """Path under the site root -> file content; ``pages`` are the HTML paths published.

    The sitemap needs absolute URLs, so it is written only when ``base_url`` is set;
    robots.txt is always written, to keep crawlers out of the build report.
    """
    files: dict[str, str | bytes] = {"robots.txt": robots_txt(config)}
    if config.base_url:
        files[SITEMAP_PATH] = sitemap_xml(sorted(page_url(p) for p in pages if _listed(p)), config)
    return files


def _listed(path: str) -> bool:
    return path.endswith(".html") and path != NOT_FOUND_PAGE and not path.startswith(PRIVATE)


def page_url(path: str) -> str:
    """"meetings/2019/index.html" -> "/meetings/2019/", the URL the site links to."""
    return "/" + quote(path.removesuffix("index.html"))


def sitemap_xml(urls: Iterable[str], config: SiteConfig) -> bytes:
    urlset = ElementTree.Element("urlset", xmlns=SITEMAP_NS)  # the default namespace, unprefixed tags
    for url in urls:
        entry = ElementTree.SubElement(urlset, "url")
        ElementTree.SubElement(entry, "loc").text = config.url(url)
    ElementTree.indent(urlset)
    xml: bytes = ElementTree.tostring(urlset, encoding="utf-8", xml_declaration=True)
    return xml + b"\n"


def robots_txt(config: SiteConfig) -> str:
    lines = ["User-agent: *", f"Disallow: /{PRIVATE}"]
    if config.base_url:
        lines += ["", f"Sitemap: {config.url('/' + SITEMAP_PATH)}"]
    return "\n".join(lines) + "\n"
