#!/usr/bin/env python3
"""Minutebook's command line: build, preview, add documents and check the archive site."""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn, TypeVar

import click

from minutebook.config import SiteConfig, load_config
from minutebook.intake import add_documents, describe
from minutebook.pipeline import ROOT, BuildOptions, BuildResult, build
from minutebook.progress import progress_for
from minutebook.report import format_report
from minutebook.serve import running_server, watch_sources
from minutebook.sitecheck import check_site

CACHE = Path("build/cache")
"""What earlier builds worked out (documents as read, linking's answers, downloads), so a rebuild
reads and links again only what changed."""
F = TypeVar("F", bound=Callable[..., object])


def content_option(function: F) -> F:
    return click.option("--content", "content", type=click.Path(path_type=Path, file_okay=False), default=Path("content"),
                        show_default=True, help="Folder of source documents (minutes, agendas, reports).")(function)


def config_option(function: F) -> F:
    return click.option("--config", "config_path", type=click.Path(path_type=Path, dir_okay=False), default=None,
                        help="Site settings file.  [default: minutebook.toml, if present]")(function)


def site_options(function: F) -> F:
    """The options every command that builds shares."""
    for option in reversed([
        content_option,
        config_option,
        click.option("--strict", is_flag=True, help="Treat warnings as errors: publish nothing unless the build is clean."),
        click.option("--debug", is_flag=True, help="Show the Python traceback of an internal error."),
    ]):
        function = option(function)
    return function


def out_option(help_text: str) -> Callable[[F], F]:
    return click.option("--out", "out", type=click.Path(path_type=Path, file_okay=False), default=Path("site"),
                        show_default=True, help=help_text)


@click.group()
@click.version_option(package_name=None, version=__import__("minutebook").__version__)
def cli() -> None:
    """Minutebook: a static, searchable archive of committee minutes and agendas."""


@cli.command(name="build")
@site_options
@out_option("Folder to publish the site into; replaced only when the build succeeds.")
@click.option("--quiet", is_flag=True, help="Print only errors, warnings and a one-line summary; no progress bar.")
def build_command(content: Path, out: Path, config_path: Path | None, strict: bool, quiet: bool, debug: bool) -> None:
    """Read every document in CONTENT, understand it, and publish the site to OUT.

    \b
    Example:
        python build.py build --content content --out site --strict
    """
    options = BuildOptions(content=content, out=out, strict=strict, config=_config(config_path), cache=CACHE,
                           progress=progress_for(quiet=quiet))
    result = _run(options, debug=debug)
    click.echo(_report(result, options, quiet=quiet))
    if not result.published:
        raise click.ClickException(f"build failed with {_why(result)}; {out.as_posix()}/ was left as it was")


@cli.command(name="serve")
@site_options
@out_option("Folder to build into and serve.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on (0: any free port).")
def serve_command(content: Path, out: Path, config_path: Path | None, strict: bool, debug: bool, host: str,
                  port: int) -> None:
    """Build, serve the site on this computer, and rebuild whenever a document changes.

    Watches CONTENT, the templates, the assets and the settings file. A failed rebuild
    leaves the previous site being served. Stop with Ctrl+C.

    \b
    Example:
        python build.py serve --port 8000
    """
    # Ctrl+C stops it however it was started: a shell starts a background job (`build.py serve &`, a
    # script, CI) with SIGINT ignored, and Python keeps an ignored SIGINT ignored.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    config_file = config_path or Path("minutebook.toml")
    options = BuildOptions(content=content, out=out, strict=strict, config=_config(config_path), cache=CACHE)
    click.echo(_report(_run(options, debug=debug), options, quiet=True))
    watched = [content, options.templates, ROOT / "assets", config_file]
    with running_server(out, host=host, port=port) as url:
        click.echo(f"Serving {out.as_posix()}/ at {url}/ (Ctrl+C to stop); watching "
                   f"{', '.join(p.as_posix() for p in watched if p.exists())}", )
        for changed in watch_sources(watched, ignore=[out, CACHE]):
            click.echo(f"Changed: {', '.join(changed)}; rebuilding")
            try:
                options = BuildOptions(content=content, out=out, strict=strict, config=_config(config_path), cache=CACHE)
                result = _run(options, debug=debug)
            except click.ClickException as error:  # a bad settings file or a vanished folder: keep serving
                click.echo(f"Error: {error.format_message()}; still serving the previous site", err=True)
                continue
            click.echo(_report(result, options, quiet=True))
            if not result.published:
                click.echo(f"Build failed with {_why(result)}; still serving the previous site", err=True)
    click.echo("Stopped.")


@cli.command(name="add")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, exists=True, dir_okay=False))
@content_option
@config_option
@click.option("--replace", is_flag=True, help="Replace a different document already in CONTENT under the same name.")
def add_command(files: tuple[Path, ...], content: Path, config_path: Path | None, replace: bool) -> None:
    """Copy new documents into CONTENT under predictable names and report what was understood.

    Each document is named from what it says (date, committee, papers), read, and
    linked with the rest of the archive; the report shows the meeting, its date, items,
    people and warnings as content/file:line. Nothing is published: preview with `serve`,
    publish with `build`. A document that would stop the build is not added.

    \b
    Example:
        python build.py add ~/Downloads/minutes-2024-09-09.txt
        python build.py add ~/Downloads/agenda-pack.pdf
    """
    config = _config(config_path)
    intakes, archive, problems = add_documents(list(files), content, replace=replace,
                                               contact_details=config.publish_contact_details)
    label = f"{content.as_posix().rstrip('/')}/"
    for intake in intakes:
        click.echo("\n".join(describe(intake, archive, problems, content_label=label)))
    refused = [i for i in intakes if i.outcome == "refused"]
    if len(refused) < len(intakes):
        click.echo("Nothing is published yet: preview with `python build.py serve`, "
                   "publish with `python build.py build --strict`.")
    if refused:
        raise click.ClickException(f"{len(refused)} of {len(intakes)} documents not added")


@cli.command(name="check")
@site_options
@click.option("--no-html", "no_html", is_flag=True, help="Skip the HTML validator (it needs Java).")
def check_command(content: Path, config_path: Path | None, strict: bool, debug: bool, no_html: bool) -> None:
    """Build into a temporary folder and run every check; site/ is not touched.

    Checks that the build is clean, that every link and #anchor resolves, that every
    page is valid HTML (Nu HTML Checker), and that no exempt content appears in any
    output file; lists references to meetings not in the archive. Exits non-zero on any
    failure.

    \b
    Example:
        python build.py check --strict
    """
    options = BuildOptions(content=content, out=Path("site"), strict=strict, config=_config(config_path), cache=CACHE)
    result, checks = _guarded(lambda: check_site(options, html=not no_html), debug=debug)
    label = f"{content.as_posix().rstrip('/')}/"
    for check in checks:
        status = "ok" if check.passed else f"FAILED ({len(check.failures)})"
        click.echo(f"{check.name}: {status}: {check.looked_at}")
        shown = [f"{label}{line}" if check.name in ("Build", "Missing references") else line
                 for line in (*check.failures, *check.notes)]
        click.echo("".join(f"  {line}\n" for line in shown), nl=False)
    failed = [c.name for c in checks if not c.passed]
    if failed or not result.published:
        raise click.ClickException(f"check failed: {', '.join(failed) or 'build'}")
    click.echo(f"All checks passed ({len(checks)} checks).")


T = TypeVar("T")


def _guarded(run: Callable[[], T], *, debug: bool) -> T:
    """Run a build; an internal error becomes one readable line unless --debug."""
    try:
        return run()
    except click.ClickException:
        raise
    except Exception as error:
        if debug:
            raise
        raise click.ClickException(
            f"internal error ({type(error).__name__}: {error}); the published site was left as it was. "
            "Run again with --debug and report the traceback."
        ) from error


def _run(options: BuildOptions, *, debug: bool) -> BuildResult:
    try:
        return _guarded(lambda: build(options), debug=debug)
    finally:
        options.progress.close()


def _config(path: Path | None) -> SiteConfig:
    return load_config(path or Path("minutebook.toml"), required=path is not None)


def _report(result: BuildResult, options: BuildOptions, *, quiet: bool) -> str:
    label = f"{options.content.as_posix().rstrip('/')}/"
    published_to = f"{options.out.as_posix()}/ in {result.seconds:.2f} s" if result.published else None
    text = format_report(result.archive, result.quality, content_label=label, quiet=quiet, published_to=published_to)
    if result.published and not quiet:
        if result.pages_kept:
            text += f"\nPages: {result.pages - result.pages_kept:,} rendered, {result.pages_kept:,} unchanged since the last build"
        if result.search_kept:
            indexed = len(result.archive.meetings) - result.search_kept
            text += (f"\nSearch: {indexed:,} {'meeting' if indexed == 1 else 'meetings'} indexed, "
                     f"{result.search_kept:,} unchanged since the last build")
        text += f"\nStaff report: {options.out.as_posix()}/build-report/index.html"
    return text


def _why(result: BuildResult) -> str:
    return f"{len(result.errors)} errors" if result.errors else f"{len(result.warnings)} warnings in strict mode"


def main(argv: list[str] | None = None) -> NoReturn:
    """Run the command line, then end the process without Python's own clean-up."""
    try:
        cli(argv)
    except SystemExit as done:
        end(done.code)
    end(0)


def end(code: object) -> NoReturn:
    """End the process now, with ``code`` as ``sys.exit`` would take it, its output flushed.

    A build leaves millions of small objects behind (the archive as read and linked), and Python's
    exit frees them one by one: 1-3 s at 10,000 meetings, where the system takes the memory back at
    once. Every file, worker and thread the build opens is closed by then (context managers), so
    only that is skipped; mypy ends the same way (mypy.util.hard_exit).
    """
    if code is not None and not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code or 0)


if __name__ == "__main__":
    main()
