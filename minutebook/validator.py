"""HTML validity of a built site, as the Nu HTML Checker (the W3C validator, npm vnu-jar) reads it.

Browsers and assistive technologies agree on what a valid page says, so `check` and the
tests fail on any error or warning. The checker is a Java program: a machine without Java
gets a clear message naming what to install, never a silent pass.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .errors import MinutebookError

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"


@dataclass(frozen=True)
class HtmlMessage:
    file: str
    """Path of the page relative to the site root."""
    line: int
    kind: str
    """error or warning"""
    text: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.kind}: {self.text}"


class ValidatorMissing(MinutebookError):
    """Java or vnu.jar is not installed, so validity cannot be checked."""


def vnu_jar() -> Path | None:
    """vnu.jar inside node_modules/vnu-jar: build/dist/vnu.jar today, wherever it moves later."""
    usual = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
    if usual.is_file():
        return usual
    folder = NODE_MODULES / "vnu-jar"
    return next(iter(sorted(folder.rglob("vnu.jar"))), None) if folder.is_dir() else None


def validate(folder: Path) -> list[HtmlMessage]:
    """Every error and warning the Nu checker reports for the HTML files under ``folder``."""
    folder = folder.resolve()
    java, jar = shutil.which("java"), vnu_jar()
    if java is None:
        raise ValidatorMissing("the HTML checker needs Java: install a Java runtime (Debian: apt-get install default-jre-headless)")
    if jar is None:
        raise ValidatorMissing("the HTML checker is not installed: run `npm ci` (node_modules/vnu-jar)")
    run = subprocess.run([java, "-jar", str(jar), "--format", "json", "--skip-non-html", str(folder)],
                         capture_output=True, text=True, timeout=900, check=False)
    try:
        report = json.loads(run.stderr)  # vnu writes its report to stderr
    except json.JSONDecodeError as error:
        raise MinutebookError(f"the HTML checker exited {run.returncode} without a report: {run.stderr[-500:]}") from error
    messages = []
    for message in report["messages"]:
        kind = message.get("subType", "info") if message["type"] == "info" else message["type"]
        if kind == "info":
            continue
        path = Path(unquote(urlsplit(message.get("url", "")).path))
        file = path.relative_to(folder).as_posix() if path.is_relative_to(folder) else str(path)
        messages.append(HtmlMessage(file, message.get("lastLine", 0), kind, message["message"]))
    return sorted(messages, key=lambda m: (m.file, m.line, m.text))
