"""Every published page is valid HTML, as the Nu HTML Checker (the W3C validator) reads it:
assistive technologies and browsers then agree on what the page says. Errors and warnings
both fail, listed as ``file:line: message``."""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from .browser import NODE_MODULES, require
from .conftest import BuiltSite


@dataclass(frozen=True)
class Message:
    file: str
    line: int
    kind: str  # "error", "warning", or "info"
    text: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.kind}: {self.text}"


def vnu_jar() -> Path | None:
    """vnu.jar inside node_modules/vnu-jar: build/dist/vnu.jar today, wherever it moves later."""
    usual = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
    if usual.is_file():
        return usual
    return next(iter(sorted((NODE_MODULES / "vnu-jar").rglob("vnu.jar"))), None)


def validate(folder: Path) -> list[Message]:
    """Every error and warning the Nu checker reports for the HTML files under ``folder``."""
    java, jar = shutil.which("java"), vnu_jar()
    require(java, "java is not installed; the Nu HTML checker needs a Java runtime (Debian: default-jre-headless)")
    require(jar, "node_modules/vnu-jar is missing; `make test` runs npm ci")
    assert java is not None and jar is not None
    run = subprocess.run(
        [java, "-jar", str(jar), "--format", "json", "--skip-non-html", str(folder)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    try:
        report = json.loads(run.stderr)  # vnu writes its report to stderr
    except json.JSONDecodeError:
        pytest.fail(f"vnu exited {run.returncode} without a JSON report:\n{run.stderr}{run.stdout}")
    messages = []
    for message in report["messages"]:
        kind = message.get("subType", "info") if message["type"] == "info" else message["type"]
        if kind == "info":
            continue
        path = Path(unquote(urlsplit(message.get("url", "")).path))
        file = path.relative_to(folder).as_posix() if path.is_relative_to(folder) else str(path)
        messages.append(Message(file, message.get("lastLine", 0), kind, message["message"]))
    return sorted(messages, key=lambda m: (m.file, m.line, m.text))


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
