"""``sucai watch``: the inbox (issue 19) — folders whose dropped files import themselves."""

from __future__ import annotations

import logging
import signal
from pathlib import Path
from typing import TYPE_CHECKING

import click

from sucai.cli.common import cli, db_option, dumps, fail, tr
from sucai.errors import UserError
from sucai.library import (
    DEFAULT_POLL,
    DEFAULT_SETTLE,
    N_,
    ImportOptions,
    Inbox,
    describe,
    make_folders,
)
from sucai.serialize import file_report_to_dict

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from sucai.cli.common import F
    from sucai.library import InboxFile, Library


def poll_option(name: str) -> Callable[[F], F]:
    """``--poll`` of ``sucai watch``, ``--watch-poll`` of ``sucai serve``."""
    return click.option(
        name,
        "poll",
        type=click.FloatRange(min=0.1),
        default=None,
        metavar="SECONDS",
        help="Look at the inbox folders every SECONDS instead of waiting for change events "
        "(automatic on NFS/SMB shares and where events do not arrive).",
    )


@cli.command()
@click.argument(
    "folders", nargs=-1, required=True, type=click.Path(file_okay=False, path_type=Path)
)
@click.option(
    "--settle",
    type=click.FloatRange(min=0.1),
    default=DEFAULT_SETTLE,
    show_default=True,
    help="Seconds a file's size and time must stay the same before it is imported, where "
    "it cannot be told whether a process still writes it (a file of another user, a network "
    "share); elsewhere a file is imported once no process has it open for writing.",
)
@poll_option("--poll")
@click.option("--encoding", metavar="NAME", help="Decode text files with this encoding.")
@click.option(
    "--allow-classified",
    is_flag=True,
    help="Import files marked 秘密/机密/绝密 in their 版头 (moved to .failed otherwise).",
)
@click.option(
    "--redact-personal",
    is_flag=True,
    help="Mask 身份证号, 手机号 and bank card numbers with ＊ (same length) at import.",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per file.")
@db_option
def watch(
    folders: tuple[Path, ...],
    settle: float,
    poll: float | None,
    encoding: str | None,
    allow_classified: bool,
    redact_personal: bool,
    as_json: bool,
    library: Library,
) -> None:
    """Import every file dropped into FOLDERS (an inbox), until stopped.

    A folder that does not exist is created (and said so) when its parent exists, and
    refused otherwise (a mistyped path, a share not mounted).

    A file is imported, with the rules and report of `sucai import`, once no process has it
    open for writing (or, where that cannot be told, once its size and time have not changed
    for --settle seconds); names ending in .part, .tmp or .crdownload, ~$ and dot-files wait
    until renamed; folders dropped whole are walked. Then it moves to
    FOLDER/.done/YYYY-MM-DD/, or to FOLDER/.failed/ with the reason in NAME.error.txt; a
    file is never deleted or overwritten. A line per file is printed as it is done.

    \b
      sucai watch /srv/收件箱                    change events (inotify)
      sucai watch --poll 5 /mnt/共享/收件箱        an NFS/SMB share: look every 5 s
    A restart (or a crash) imports nothing twice. Ctrl-C or SIGTERM stops after the file
    being imported. Run it as a service: see docs/deploy.md.
    """

    def on_file(item: InboxFile) -> None:
        if as_json:
            reports = [file_report_to_dict(r) for r in item.reports]
            click.echo(
                dumps(
                    {
                        "name": item.name,
                        "status": item.status,
                        "moved_to": str(item.moved_to),
                        "reason": item.reason,
                        "files": reports,
                    }
                )
            )
        else:
            click.echo(describe(item))  # click.echo flushes: a line per file, at once

    make_inboxes(folders)
    # What the inbox says besides the files (waiting for another's lock, polling) goes to
    # standard error.
    said = logging.getLogger("sucai.watch")
    said.addHandler(logging.StreamHandler())
    said.setLevel(logging.INFO)
    options = ImportOptions(
        encoding=encoding, allow_classified=allow_classified, redact_personal=redact_personal
    )
    inbox = Inbox(library, list(folders), options, settle=settle, poll=poll, on_file=on_file)
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: inbox.stop())

    def ready() -> None:
        how = f"looking every {poll or DEFAULT_POLL} s" if inbox.polling else "change events"
        shown = ", ".join(str(f) for f in inbox.folders)
        click.echo(f"Watching {shown} ({how}; Ctrl-C stops)", err=True)

    inbox.run(on_ready=ready)
    click.echo(tr(N_("Stopped.")), err=True)


def make_inboxes(folders: Sequence[Path]) -> None:
    """Make the inbox folders that are missing (and say so), or fail with a clear message
    (``sucai watch`` and ``sucai serve --watch``)."""
    try:
        for made in make_folders(folders):
            click.echo(
                tr(N_("Created the inbox folder {folder} (it did not exist)."), folder=made),
                err=True,
            )
    except UserError as exc:
        raise fail(exc) from None
