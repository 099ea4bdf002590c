"""`check`: build into a temporary folder and run every check on the result, leaving site/ alone.

Staff run it before publishing (and CI can run it on every change): the build must be clean,
every link and #anchor must land, every page must be valid HTML, no exempt-only text may
appear in any output file, and references to meetings not in the archive are listed.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from .checks import check_links
from .leaks import canaries, find_leaks
from .pipeline import BuildOptions, BuildResult, build
from .validator import ValidatorMissing, validate


@dataclass(frozen=True)
class Check:
    """One check's outcome: what it looked at, and each failure as a line to print."""

    name: str
    looked_at: str
    failures: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def passed(self) -> bool:
        return not self.failures


def check_site(options: BuildOptions, *, html: bool = True) -> tuple[BuildResult, list[Check]]:
    """Build ``options.content`` into a temporary folder (``options.out`` is never touched)
    and check what it produced; ``html=False`` skips the Nu HTML checker."""
    with tempfile.TemporaryDirectory(prefix="minutebook-check-") as folder:
        site = Path(folder) / "site"
        result = build(replace(options, out=site))
        problems = [f"{p}" for p in result.problems if p.level == "error" or (options.strict and p.level == "warning")]
        checks = [Check("Build", f"{len(result.archive.accounts)} documents", tuple(problems))]
        if not result.published:
            return result, checks
        pages = sorted(site.rglob("*.html"))
        checks.append(_run("Links and anchors", f"{len(pages)} pages", lambda: [str(p) for p in check_links(site)]))
        if html:
            checks.append(_html(site, len(pages)))
        phrases = canaries(result.archive, options.content)
        files = sum(1 for p in site.rglob("*") if p.is_file())
        checks.append(_run("Exempt content", f"{files} files for {len(phrases)} exempt-only lines",
                           lambda: [str(leak) for leak in find_leaks(site, result.archive, options.content)]))
        missing = next(s for s in result.quality.sections if s.key == "missing-references")
        checks.append(Check("Missing references", f"{len(missing.findings)} references to meetings not in the archive, "
                            "listed for information",
                            notes=tuple(f"{f.source}: {f.message}" for f in missing.findings)))
        return result, checks


def _run(name: str, looked_at: str, failures: Callable[[], list[str]]) -> Check:
    return Check(name, looked_at, tuple(failures()))


def _html(site: Path, pages: int) -> Check:
    try:
        messages = validate(site)
    except ValidatorMissing as error:
        return Check("HTML validity", f"{pages} pages", (f"not checked: {error.message}",))
    return Check("HTML validity", f"{pages} pages", tuple(str(m) for m in messages))
