"""Build progress: the pipeline reports stages and steps; the terminal may draw them as a bar.

The pipeline only knows the small ``Progress`` interface, so tests and ``--quiet`` builds use
``NoProgress`` and nothing is drawn. ``TerminalProgress`` draws a rich progress bar on
stderr, and only once a build has run for ``DELAY`` seconds: a half-second rebuild of a few
documents should not flash a bar, a ten-minute build of 10,000 meetings should show one.
"""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import TaskID

DELAY = 1.0
"""Seconds a build runs before the bar appears."""


class Progress(Protocol):
    def stage(self, name: str, total: int) -> None:
        """A new stage of ``total`` steps starts (e.g. "Reading documents", 5)."""

    def advance(self, steps: int = 1) -> None:
        """``steps`` more steps of the current stage are done."""

    def close(self) -> None:
        """The build is over: take the bar off the screen."""


class NoProgress:
    """Draws nothing: tests, --quiet, and output that is not a terminal."""

    def stage(self, name: str, total: int) -> None:
        pass

    def advance(self, steps: int = 1) -> None:
        pass

    def close(self) -> None:
        pass


class TerminalProgress:
    """A rich progress bar on stderr, shown only when the build is slow enough to need one."""

    def __init__(self, console: Console | None = None) -> None:
        # rich is imported for a bar only: a quiet build, or one whose output is a log, starts 0.06 s sooner
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
        from rich.progress import Progress as RichProgress

        self.console = console or Console(stderr=True)
        self.bar = RichProgress(
            TextColumn("{task.description:<22}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            console=self.console, transient=True,
        )
        self.started = time.monotonic()
        self.shown = False
        self.task: TaskID | None = None

    def stage(self, name: str, total: int) -> None:
        if self.task is not None:
            self.bar.update(self.task, completed=self.bar.tasks[self.task].total or 0)
        self.task = self.bar.add_task(name, total=max(total, 1))
        self._show_when_slow()

    def advance(self, steps: int = 1) -> None:
        if self.task is not None:
            self.bar.advance(self.task, steps)
        self._show_when_slow()

    def _show_when_slow(self) -> None:
        if not self.shown and time.monotonic() - self.started >= DELAY:
            self.bar.start()
            self.shown = True

    def close(self) -> None:
        if self.shown:
            self.bar.stop()
            self.shown = False


def progress_for(*, quiet: bool) -> Progress:
    """A bar for people at a terminal; nothing for --quiet, CI logs and pipes."""
    if quiet or not sys.stderr.isatty():
        return NoProgress()
    return TerminalProgress()


SILENT: Progress = NoProgress()
"""The default for library callers: no output."""
