#!/usr/bin/env python3
"""Minutebook's command line: build the archive site from content/."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from minutebook.config import load_config
from minutebook.pipeline import BuildOptions, build
from minutebook.report import format_report


@click.group()
@click.version_option(package_name=None, version=__import__("minutebook").__version__)
def cli() -> None:
    """Minutebook: a static, searchable archive of committee minutes and agendas."""


@cli.command(name="build")
@click.option("--content", "content", type=click.Path(path_type=Path, file_okay=False), default=Path("content"),
              show_default=True, help="Folder of source documents (minutes, agendas, reports).")
@click.option("--out", "out", type=click.Path(path_type=Path, file_okay=False), default=Path("site"),
              show_default=True, help="Folder to publish the site into; replaced only when the build succeeds.")
@click.option("--config", "config_path", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Site settings file.  [default: minutebook.toml, if present]")
@click.option("--strict", is_flag=True, help="Treat warnings as errors: publish nothing unless the build is clean.")
@click.option("--quiet", is_flag=True, help="Print only problems and a one-line summary.")
@click.option("--debug", is_flag=True, help="Show the Python traceback of an internal error.")
def build_command(content: Path, out: Path, config_path: Path | None, strict: bool, quiet: bool, debug: bool) -> None:
    """Read every document in CONTENT, understand it, and publish the site to OUT.

    \b
    Example:
        python build.py build --content content --out site --strict
    """
    config = load_config(config_path or Path("minutebook.toml"), required=config_path is not None)
    try:
        result = build(BuildOptions(content=content, out=out, strict=strict, config=config, cache=Path("build/cache")))
    except click.ClickException:
        raise
    except Exception as error:
        if debug:
            raise
        raise click.ClickException(
            f"internal error ({type(error).__name__}: {error}); {out.as_posix()}/ was left as it was. "
            "Run again with --debug and report the traceback."
        ) from error
    label = f"{content.as_posix().rstrip('/')}/"
    click.echo(format_report(result.archive, result.problems, content_label=label, quiet=quiet,
                             published_to=f"{out.as_posix()}/ in {result.seconds:.2f} s" if result.published else None))
    if not result.published:
        reason = f"{len(result.errors)} errors" if result.errors else f"{len(result.warnings)} warnings in strict mode"
        raise click.ClickException(f"build failed with {reason}; {out.as_posix()}/ was left as it was")


if __name__ == "__main__":
    sys.exit(cli())
