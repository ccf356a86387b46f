"""``pollguard drill``: tactical floor games against a running command centre."""

from __future__ import annotations

from collections import Counter
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from rich.markup import escape
from rich.table import Table

from pollguard import drill
from pollguard.cli.common import MAX_PROBLEMS_SHOWN, console, errors, fail
from pollguard.drill.timeline import ACTIONS, DrillFileError, Timeline
from pollguard.scenario.problems import InvalidInputError

if TYPE_CHECKING:
    from pollguard.drill.runner import Outcome, Summary

app = typer.Typer(no_args_is_help=True, help=(
    "Drills (tactical floor games): replay a timeline of field reports and command actions "
    "against a running command centre."))

STYLE = {"accepted": "green", "resent": "dim", "expected": "yellow", "refused": "bold red",
         "skipped": "red", "planned": "cyan"}
LABEL = {"accepted": "accepted", "resent": "resent", "expected": "refused as expected",
         "refused": "REFUSED", "skipped": "SKIPPED", "planned": "would send"}


class Action(StrEnum):
    REPORT = "report"
    STEP = "step"
    DISPATCH = "dispatch"
    UNIT = "unit"


class ClockChoice(StrEnum):
    REAL = "real"
    SCRIPT = "script"


def _problems(exc: InvalidInputError, what: str) -> NoReturn:
    for problem in exc.problems[:MAX_PROBLEMS_SHOWN]:
        errors.print(str(problem), highlight=False, markup=False, soft_wrap=True)
    hidden = len(exc.problems) - MAX_PROBLEMS_SHOWN
    if hidden > 0:
        errors.print(f"... and {hidden} more", markup=False)
    fail(f"{len(exc.problems)} problem(s) {what}; nothing was sent")


def _load(file: str) -> Timeline:
    path = drill.find(file)
    if not path.exists():
        names = ", ".join(drill.shipped()) or "none"
        fail(f"no drill file {file} (shipped drills: {names})")
    try:
        return drill.parse(path)
    except DrillFileError as exc:
        _problems(exc, "found in the drill file")


FileArg = Annotated[str, typer.Argument(
    help="A drill file (JSON Lines), or the name of a shipped drill (pollguard drill list)",
    show_default=False)]


@app.command()
def run(
    file: FileArg,
    url: Annotated[str, typer.Option(help="The command centre")] = "http://127.0.0.1:8000",
    user: Annotated[str | None, typer.Option(
        help="A Polda command account (it makes the drill's accounts and tokens)")] = None,
    password: Annotated[str | None, typer.Option(
        envvar="POLLGUARD_PASSWORD", help="Its password (asked for when not given)")] = None,
    token: Annotated[str | None, typer.Option(
        envvar="POLLGUARD_TOKEN", help="Or an API token of such an account")] = None,
    speed: Annotated[float, typer.Option(
        min=0, help="Drill minutes per real minute: 60 = a drill minute per second, "
                    "1 = real time, 0 = as fast as possible")] = 60.0,
    max_wait: Annotated[float, typer.Option(
        min=0, help="Longest real wait between two lines, in seconds (nights and the days "
                    "before a re-vote shrink to this)")] = 60.0,
    run_id: Annotated[str | None, typer.Option(
        help="Names this run (default: the drill's name). The same run id resends the same "
             "reports, so a re-run duplicates nothing; a new one plays the drill afresh")] = None,
    clock: Annotated[ClockChoice, typer.Option(
        help="sent_at of reports: the real time of sending, or the time the script says")] = (
        ClockChoice.REAL),
    only: Annotated[list[Action] | None, typer.Option(
        help="Play only these kinds of line (repeat the option), e.g. --only report to play "
             "the field while the command post works the incidents by hand")] = None,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Check and resolve every line against the server; send nothing")] = (
        False),
) -> None:
    """Play a drill against a running server: each line at its time, at SPEED."""
    from pollguard.drill.runner import (
        DrillError,
        Runner,
        Server,
        UnresolvedError,
    )

    timeline = _load(file)
    if token is None and user is None:
        fail("give --user (with --password) or --token")
    if token is None and password is None:
        password = typer.prompt(f"password of {user}", hide_input=True)
    actions = [a.value for a in only] if only else list(ACTIONS)
    server = Server(url, username=user, password=password, token=token)
    runner = Runner(server, timeline, run_id=run_id or timeline.name, speed=speed,
                    max_wait=max_wait, clock=clock.value, actions=actions, echo=_echo)
    title = timeline.header.title or timeline.name
    console.print(f"[bold]{title}[/] — run [bold]{runner.run_id}[/] on {url}"
                  + (" (dry run: nothing is sent)" if dry_run else f" at speed {speed:g}"),
                  highlight=False)
    try:
        summary = runner.dry_run() if dry_run else runner.run()
    except UnresolvedError as exc:
        _problems(exc, "resolving the drill on this server")
    except DrillError as exc:
        fail(str(exc))
    finally:
        server.close()
    _print_summary(summary, dry_run=dry_run)
    if summary.interrupted:
        errors.print(f"interrupted: run again with --run-id {summary.run_id} to finish (what "
                     f"was sent is resent, nothing duplicated)", highlight=False)
        raise typer.Exit(130)
    if not dry_run and not summary.ok:
        raise typer.Exit(1)


def _echo(o: Outcome) -> None:
    style = STYLE[o.result]
    reason = f" — {escape(o.reason)}" if o.reason else ""
    code = f" {o.code}" if o.code is not None and o.result != "planned" else ""
    console.print(f"{o.when:%d %b %H:%M}  L{o.line:<4} {escape(o.what)}  "
                  f"[{style}]{LABEL[o.result]}{code}[/]{reason}", highlight=False)


def _print_summary(summary: Summary, *, dry_run: bool) -> None:
    table = Table(title=f"Drill run {summary.run_id}", title_justify="left", show_header=False)
    table.add_column("")
    table.add_column("", justify="right")
    if dry_run:
        table.add_row("requests it would send", f"{summary.count('planned'):,}")
    else:
        for label, value in [("sent", summary.sent), ("accepted", summary.count("accepted")),
                             ("resent (stored or done before)", summary.count("resent")),
                             ("refused as expected", summary.count("expected")),
                             ("refused", summary.count("refused")),
                             ("skipped (their incident or dispatch failed)",
                              summary.count("skipped")),
                             ("accounts made", len(summary.accounts_made))]:
            table.add_row(label, f"{value:,}")
    console.print(table)
    for o in summary.problems:
        errors.print(f"line {o.line}: {o.what}: {LABEL[o.result].lower()}"
                     + (f" ({o.code})" if o.code else "") + f": {o.reason}",
                     highlight=False, markup=False)


@app.command()
def check(file: FileArg) -> None:
    """Check a drill file without a server: every problem as file:line:field."""
    timeline = _load(file)
    counts = Counter(e.action for e in timeline.entries)
    first, last = timeline.entries[0].when, timeline.entries[-1].when
    console.print(f"{timeline.source}: drill [bold]{timeline.name}[/], "
                  f"{len(timeline.entries)} steps ("
                  + ", ".join(f"{counts[a]} {a}" for a in ACTIONS if counts[a])
                  + f"), {len(timeline.incident_lines())} labelled incidents, "
                  f"{first:%Y-%m-%d %H:%M} to {last:%Y-%m-%d %H:%M} (UTC{first:%z})",
                  highlight=False)


@app.command("list")
def list_() -> None:
    """The drills that ship with PollGuard (run one by its name)."""
    table = Table("Name", "Title", "Steps", "From", "To")
    for name in drill.shipped():
        t = drill.parse(drill.find(name))
        table.add_row(name, t.header.title, str(len(t.entries)),
                      f"{t.entries[0].when:%Y-%m-%d %H:%M}", f"{t.entries[-1].when:%Y-%m-%d %H:%M}")
    console.print(table)

