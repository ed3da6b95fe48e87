"""Admin commands: info, serve, user …, source …, reindex, migrate and backup."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from sucai.cli.common import ProgressBar, cli, count_option, db_option, dumps, fail, tr
from sucai.cli.watch import make_inboxes, poll_option
from sucai.config import load_settings
from sucai.errors import SucaiError
from sucai.library import N_, UNCHANGED, Library, copy_library, open_library

if TYPE_CHECKING:
    from sucai.store.records import User


@cli.command()
@db_option(create=False)
def reindex(library: Library) -> None:
    """Rebuild the search index from the library (it is rebuilt automatically when stale)."""
    progress = ProgressBar(sys.stderr.isatty())
    try:
        count = library.reindex(on_progress=progress)
    finally:
        progress.close()
    click.echo(tr(N_("Indexed {count} articles."), count=count))


@cli.command()
@db_option(create=False)
def info(library: Library) -> None:
    """Say where the library is, what it holds, and what to do next."""
    files = library.files()
    store_path = library.db
    click.echo(tr(N_("Library: {db}"), db=store_path))
    click.echo(
        tr(
            N_("{articles} articles from {files} files."),
            articles=library.count(),
            files=len(files),
        )
    )
    genres = library.browse(limit=0).facets["genre"]
    if genres:
        counts = tr(N_(", ")).join(f"{g} {n}" for g, n in genres)  # 、 in Chinese
        click.echo(tr(N_("By genre: {counts}"), counts=counts))
    state = library.index_state()
    if state.building:
        health = tr(
            N_("being built ({done} of {total} articles)"),
            done=state.building[0],
            total=state.building[1],
        )
    elif not state.ready:
        health = tr(N_("not built yet (the next search or `sucai reindex` builds it)"))
    elif state.behind:
        health = tr(
            N_("{behind} changes behind the library (the next search applies them)"),
            behind=state.behind,
        )
    else:
        health = tr(N_("up to date"))
    click.echo(tr(N_("Search index: {path}, {health}."), path=state.path, health=health))
    use = library.connection_use()
    if use is not None:
        pools = ", ".join(
            f"{p.name} {p.in_use} in use, {p.idle} idle, {p.max} max" for p in use.pools
        )
        replica = f"; replica {use.replica}" if use.replica else ""
        click.echo(
            f"PostgreSQL connections of this process: {pools} (budget {use.budget}){replica}."
        )
    click.echo("\n" + tr(N_("Try:")))
    for command in ("list", "show 1", "import"):
        click.echo(
            f"  sucai {command} --db {store_path}" + (" ~/素材/" if command == "import" else "")
        )


# --- the web app and its accounts (issue 4) ------------------------------------------------


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@count_option("--max-upload-mb", 200, "Largest upload the import page accepts.")
@count_option(
    "--workers",
    None,
    "Server processes, each searching on its own CPU core [default: one per core, at most 4].",
)
@count_option(
    "--db-connections",
    None,
    envvar="SUCAI_DB_CONNECTIONS",
    help="PostgreSQL connections this server holds at most, all --workers together "
    "[default: $SUCAI_DB_CONNECTIONS, else the database's max_connections less its reserved "
    "slots and 5 for imports and tools, divided by --servers].",
)
@count_option(
    "--servers",
    1,
    envvar="SUCAI_SERVERS",
    help="How many sucai servers share the PostgreSQL library (divides the default "
    "--db-connections).",
)
@click.option(
    "--trusted-proxies",
    metavar="ADDRESSES",
    default=None,
    help="Reverse proxies whose X-Forwarded-For/-Proto are believed, e.g. 127.0.0.1 "
    "[default: $SUCAI_TRUSTED_PROXIES, else none].",
)
@click.option(
    "--rate-limits",
    metavar="RULES",
    default=None,
    help="Rate limits over the defaults, e.g. 'visitor.search=1/s burst 10; SVIP.search=off', "
    "or off [default: $SUCAI_RATE_LIMITS].",
)
@click.option(
    "--watch",
    "watch",
    multiple=True,
    metavar="DIR",
    type=click.Path(file_okay=False, path_type=Path),
    help="An inbox: import what is dropped into DIR, as `sucai watch` does (repeatable).",
)
@poll_option("--watch-poll")
@db_option
def serve(
    host: str,
    port: int,
    max_upload_mb: int,
    workers: int | None,
    db_connections: int | None,
    servers: int,
    trusted_proxies: str | None,
    rate_limits: str | None,
    watch: tuple[Path, ...],
    poll: float | None,
    library: Library,
) -> None:
    """Serve the web app and JSON API (uvicorn, with request logging).

    \b
      sucai serve                        http://127.0.0.1:8000/
      sucai serve --host 0.0.0.0 --port 8080 --workers 2
      sucai serve --trusted-proxies 127.0.0.1     behind nginx on the same machine
      sucai serve --watch /srv/收件箱              import what is dropped there
      sucai serve --db postgresql://sucai@db1/sucai --servers 3    one of three servers
    Create the first admin with: sucai user add NAME --admin
    """
    import uvicorn

    from sucai.web import (
        WebSettings,
        create_app,
        parse_rate_limits,
        parse_trusted_proxies,
        settings_to_environment,
    )

    resolved = load_settings(trusted_proxies=trusted_proxies, rate_limits=rate_limits)
    parse_rate_limits(resolved.rate_limits)  # a bad value fails now, naming the setting
    make_inboxes(watch)
    workers = workers or min(os.cpu_count() or 1, 4)
    # PostgreSQL: the server's connection budget, shared by its worker processes (issue 22).
    budget = db_connections or library.connection_budget(servers)
    share = None if budget is None else budget // workers
    if share is not None:
        library.limit_connections(share)  # too few fails now, naming the setting
    settings = WebSettings(
        db=library.db,
        db_read=library.read_url,
        index_dir=library.index_dir,
        max_upload_bytes=max_upload_mb * 1024 * 1024,
        export_line_off_tiers=resolved.export_line_off_tiers,
        trusted_proxies=parse_trusted_proxies(resolved.trusted_proxies),
        rate_limits=resolved.rate_limits,
        time_zone=resolved.time_zone,
        db_connections=share,
    )
    if not any(u.role == "admin" for u in library.accounts.users()):
        click.echo(
            "No admin account yet: create one with "
            f"`sucai user add NAME --admin --db {library.db}`.",
            err=True,
        )
    processes = "1 process" if workers == 1 else f"{workers} processes"
    click.echo(
        f"Serving {library.count()} articles at http://{host}:{port}/ with {processes} "
        "(Ctrl-C stops)"
    )
    if budget is not None:
        click.echo(
            f"PostgreSQL connections: at most {budget} for this server, {share} a process.",
            err=True,
        )
    if not library.index_state().ready:
        click.echo(
            f"Building the search index in {library.index_dir} in the background: pages "
            "answer now, searches once it is done (progress: /health).",
            err=True,
        )
    options: dict[str, Any] = {
        "host": host,
        "port": port,
        "log_level": "info",
        "access_log": True,
        # X-Forwarded-For/-Proto are read by the app, from --trusted-proxies only (uvicorn
        # would believe any local client: issue 15).
        "proxy_headers": False,
        "server_header": False,
    }
    # The inbox imports in a process of its own, whatever the number of workers (issue 19).
    inbox = library.start_inbox(watch, poll=poll) if watch else None
    try:
        if workers == 1:
            uvicorn.run(create_app(library, settings), **options)
            return
        # Each worker process builds its own app from the environment; one of them at a time
        # writes the index (the others leave it to it).
        library.close()
        os.environ.update(settings_to_environment(settings))
        uvicorn.run("sucai.web.app:app_from_environment", factory=True, workers=workers, **options)
    finally:
        if inbox is not None:
            inbox.stop()


@cli.group()
def user() -> None:
    """Manage the web app's accounts.

    \b
      sucai user add NAME [--admin]           create one (the first admin, too)
      sucai user list [--json]                every account
      sucai user set NAME --tier SVIP         change role, tier, expiry or quota
      sucai user disable NAME · enable NAME   stop or allow signing in
      sucai user passwd NAME                  a new password (signs the account out)
    """


def _describe_user(u: User) -> str:
    role = "admin" if u.role == "admin" else f"member {u.tier or '(no tier)'}"
    until = f" until {u.expires_on}" if u.expires_on else ""
    quota = f", {u.daily_quota} downloads a day" if u.daily_quota is not None else ""
    return f"{u.name}: {role}{until}{quota}" + (" (disabled)" if u.disabled else "")


def _read_password(password_stdin: bool) -> str:
    if password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))


@user.command(name="add")
@click.argument("name")
@click.option("--admin", is_flag=True, help="An administrator (manages accounts and imports).")
@click.option("--tier", metavar="NAME", help="Member tier, e.g. 会员 or SVIP.")
@click.option("--expires", metavar="YYYY-MM-DD", help="Last day the tier is valid.")
@click.option("--quota", type=click.IntRange(min=0), help="Downloads per day (default: by tier).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@db_option
def user_add(
    name: str,
    admin: bool,
    tier: str | None,
    expires: str | None,
    quota: int | None,
    password_stdin: bool,
    library: Library,
) -> None:
    """Create an account; the password is asked for (or read with --password-stdin).

    \b
      sucai user add boss --admin
      sucai user add 张三 --tier 会员 --expires 2027-01-01
    """
    password = _read_password(password_stdin)
    created = library.accounts.add(
        name, password, admin=admin, tier=tier, expires_on=expires, daily_quota=quota
    )
    click.echo(tr(N_("Created {user}."), user=_describe_user(created)))


@user.command(name="list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@db_option(create=False)
def user_list(as_json: bool, library: Library) -> None:
    """List the accounts."""
    from dataclasses import asdict

    users = library.accounts.users()
    if as_json:
        click.echo(dumps([asdict(u) for u in users]))
        return
    for u in users:
        tier = u.tier or "-"
        click.echo(
            f"{u.id:>4}  {u.name:<16} {u.role:<6} {tier:<6} {u.expires_on or '-':<10}"
            + ("  disabled" if u.disabled else "")
        )
    if not users:
        click.echo(tr(N_("No accounts. Create the first admin with: sucai user add NAME --admin")))


def _quota_value(value: str) -> int | None:
    """``--quota``: a whole number, or "" for the tier's default."""
    if not value.strip():
        return None
    if not value.strip().isdigit():
        raise click.BadParameter(
            f"'{value}' is not a whole number; give one, or '' for the tier's default.",
            param_hint="'--quota'",
        )
    return int(value)


@user.command(name="set")
@click.argument("name")
@click.option("--role", type=click.Choice(["member", "admin"]), help="member or admin.")
@click.option("--tier", metavar="NAME", help="Member tier, e.g. 会员 or SVIP ('' for none).")
@click.option("--expires", metavar="YYYY-MM-DD", help="Last day the tier is valid ('' for never).")
@click.option("--quota", metavar="N", help="Downloads per day ('' for the tier's default).")
@db_option
def user_set(
    name: str,
    role: str | None,
    tier: str | None,
    expires: str | None,
    quota: str | None,
    library: Library,
) -> None:
    """Change an account: only the options given; '' clears a tier, expiry or quota.

    \b
      sucai user set 张三 --tier SVIP --expires 2027-06-30
      sucai user set 张三 --quota 5        sucai user set 张三 --expires ''
    """
    accounts = library.accounts
    changed = accounts.update(
        accounts.user(name).id,
        role=UNCHANGED if role is None else role,
        tier=UNCHANGED if tier is None else tier,
        expires_on=UNCHANGED if expires is None else expires,
        daily_quota=UNCHANGED if quota is None else _quota_value(quota),
    )
    click.echo(tr(N_("Changed {user}."), user=_describe_user(changed)))


def _set_disabled(name: str, disabled: bool, library: Library) -> User:
    accounts = library.accounts
    return accounts.update(accounts.user(name).id, disabled=disabled)


@user.command(name="disable")
@click.argument("name")
@db_option
def user_disable(name: str, library: Library) -> None:
    """Stop an account from signing in; its sessions end and its API tokens stop working."""
    changed = _set_disabled(name, True, library)
    click.echo(
        tr(
            N_("Disabled {name}: signed out everywhere; its API tokens are refused."),
            name=changed.name,
        )
    )


@user.command(name="enable")
@click.argument("name")
@db_option
def user_enable(name: str, library: Library) -> None:
    """Let a disabled account sign in again (its API tokens work again)."""
    changed = _set_disabled(name, False, library)
    click.echo(tr(N_("Enabled {user}."), user=_describe_user(changed)))


@user.command(name="passwd")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@db_option
def user_passwd(name: str, password_stdin: bool, library: Library) -> None:
    """Give an account a new password (asked for, or read with --password-stdin).

    The account is signed out everywhere; its API tokens keep working.
    """
    accounts = library.accounts
    found = accounts.user(name)
    accounts.set_password(found.id, _read_password(password_stdin))
    click.echo(
        tr(N_("Changed the password of {name}; it is signed out everywhere."), name=found.name)
    )


# --- moving and keeping libraries (issue 7) ------------------------------------------------


@cli.command()
@click.option("--from", "source", required=True, metavar="DB", help="The library to copy.")
@click.option("--to", "target", required=True, metavar="DB", help="An empty library to fill.")
def migrate(source: str, target: str) -> None:
    """Copy a whole library between SQLite and PostgreSQL, ids and all, then index it.

    \b
      sucai migrate --from library.db --to postgresql://sucai@db1/sucai
      sucai migrate --from postgresql://sucai@db1/sucai --to library.db
    The target must be empty (a new file, or a new database); the source is not changed.
    """
    import time

    began = time.monotonic()
    copying = ProgressBar(sys.stderr.isatty(), N_("Copying"))
    try:
        try:
            report = copy_library(source, target, on_progress=copying)
        finally:
            copying.close()
        click.echo(
            f"Copied {report.articles} articles ({report.total} rows) in "
            f"{time.monotonic() - began:.1f} s; building the search index …",
            err=True,
        )
        indexing = ProgressBar(sys.stderr.isatty())
        try:
            # The search index is not copied: the target's own one is built from its rows.
            with open_library(target) as library:
                indexed = library.reindex(on_progress=indexing)
        finally:
            indexing.close()
    except SucaiError as exc:
        raise fail(exc) from None
    click.echo(
        f"Migrated {report.articles} articles to {target} and indexed {indexed} "
        f"in {time.monotonic() - began:.1f} s."
    )


@cli.command()
@click.option(
    "--to", "target", required=True, type=click.Path(path_type=Path), help="The new backup file."
)
@db_option(create=False)
def backup(target: Path, library: Library) -> None:
    """Copy a SQLite library into a new file while it is in use (imports may go on).

    \b
      sucai backup --to /backups/library-$(date +%F).db
    The search index is not copied; it is rebuilt when the copy is first used.
    For a PostgreSQL library use pg_dump (see docs/deploy.md).
    """
    library.backup(target)
    click.echo(
        tr(N_("Backed up {count} articles to {target}."), count=library.count(), target=target)
    )


# --- what the 来源 facet shows (issue 21) ----------------------------------------------------


@cli.group()
def source() -> None:
    """Name the sources (import folders) as readers see them in the 来源 facet.

    \b
      sucai source list [--json]              each source, its articles and its label
      sucai source label laws 法律法规          show "laws" as 法律法规
      sucai source label laws                 show the folder name again
    """


@source.command("list")
@db_option(create=False)
@click.option("--json", "as_json", is_flag=True, help="Output JSON.")
def source_list(library: Library, as_json: bool) -> None:
    """Each source with its number of articles and its label."""
    labels = library.source_labels()
    counts = library.browse(limit=0).facets["source"]
    if as_json:
        rows = [{"source": s, "articles": n, "label": labels.get(s)} for s, n in counts]
        click.echo(dumps(rows))
        return
    for name, count in counts:
        click.echo(f"{name}\t{count}\t{labels.get(name, '')}".rstrip())


@source.command("label")
@db_option
@click.argument("name")
@click.argument("label", required=False)
def source_label(library: Library, name: str, label: str | None) -> None:
    """Show source NAME as LABEL (no LABEL: as its folder name again)."""
    try:
        library.label_source(name, label)
    except SucaiError as exc:
        raise fail(exc) from None
    click.echo(f"{name} → {label}" if label else f"{name}: label removed")
