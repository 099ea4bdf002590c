"""The one exception family: the CLI prints these as ``Error: ...`` with no traceback."""

from __future__ import annotations

import click


class MinutebookError(click.ClickException):
    """A failure the user can act on; click prints the message and exits 1."""


class ConfigError(MinutebookError):
    """The configuration or an overrides file in content/ is wrong."""


class BuildError(MinutebookError):
    """The build found problems that stop it from publishing."""
