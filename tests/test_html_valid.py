"""Every published page is valid HTML, as the Nu HTML Checker (the W3C validator) reads it:
assistive technologies and browsers then agree on what the page says. Errors and warnings
both fail, listed as ``file:line: message``."""

from __future__ import annotations

from pathlib import Path

from minutebook.validator import HtmlMessage, ValidatorMissing
from minutebook.validator import validate as run_validator

from .browser import require
from .conftest import BuiltSite


def validate(folder: Path) -> list[HtmlMessage]:
    """The Nu checker's errors and warnings; a missing Java or vnu.jar fails in CI, skips locally."""
    try:
        return run_validator(folder)
    except ValidatorMissing as missing:
        require(False, f"{missing.message}; `make test` installs it")
        raise


def test_every_page_of_the_seed_site_is_valid_html(seed_site: BuiltSite) -> None:
    messages = validate(seed_site.out.resolve())
    assert messages == [], f"{len(messages)} HTML errors and warnings:\n" + "\n".join(f"  {m}" for m in messages)


def test_the_validator_reports_invalid_html(tmp_path: Path) -> None:
    (tmp_path / "bad.html").write_text(
        '<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8"></head>\n'
        '<body>\n<p id="item-1">One</p>\n<p id="item-1">Two</p>\n</body>\n</html>\n',
        encoding="utf-8",
    )
    (tmp_path / "notes.txt").write_text("not a page", encoding="utf-8")

    messages = validate(tmp_path.resolve())

    assert {m.file for m in messages} == {"bad.html"}
    assert any(m.kind == "error" and "title" in m.text for m in messages), messages
    assert any(m.kind == "error" and m.line == 6 and "Duplicate ID" in m.text for m in messages), messages
