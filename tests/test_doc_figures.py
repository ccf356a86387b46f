"""Docs that cannot go stale (issue 16, item 8): the figures the docs quote of the Jambi plan
and the command-line session of docs/planning.md are computed again and compared with the
docs (``doc_figures``, ``doc_sessions``); ``python tests/doc_figures.py`` rewrites them.
docs/scenario-format.md documents every file a scenario folder may hold.

The session starts from the loaded Jambi scenario (the session template: its ``scenario
build`` and ``scenario load`` steps are taken as given, their counts checked as figures) and
runs the rest: assess, plan, re-plan, compare, list (about 12 s)."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

import doc_figures
from conftest import copied_database_url
from doc_sessions import ANY, check, masked, matches, rewrite, scratch, sessions
from pollguard.scenario import folder
from pollguard.scenario.boundaries import BOUNDARIES
from pollguard.store.database import Database, open_database

DOCS = Path(__file__).resolve().parents[1] / "docs"
DOC_DB = "sqlite:///p.db"  # the database the planning session's commands name
HOW = "run `python tests/doc_figures.py` to write what the code says into the docs"


@pytest.fixture(scope="module")
def session(loaded_template: str, tmp_path_factory: pytest.TempPathFactory
            ) -> Iterator[tuple[Path, list[str], Database]]:
    """The planning doc's session run from the loaded scenario in a folder of its own: the
    problems found, and the database it leaves (plans 1 and 2)."""
    where = tmp_path_factory.mktemp("session")
    with copied_database_url(loaded_template, where, "p.db") as url:
        steps = doc_figures.planning_session()[doc_figures.GIVEN_STEPS:]
        if not url.startswith("sqlite"):  # the PostgreSQL run: the doc's file is the copy
            steps = [dataclasses.replace(s, command=s.command.replace(DOC_DB, url))
                     for s in steps]
        problems, _ = check(steps, where, doc_figures.SESSION_ENV, "docs/planning.md")
        database = open_database(url)
        yield where, problems, database
        database.dispose()


def test_the_planning_session_prints_what_the_doc_shows(
        session: tuple[Path, list[str], Database]) -> None:
    _, problems, _ = session
    assert not problems, f"{HOW}:\n" + "\n\n".join(problems)


def test_every_figure_the_docs_quote_is_the_codes(
        session: tuple[Path, list[str], Database]) -> None:
    _, _, database = session
    problems = doc_figures.check_figures(doc_figures.facts(database))
    problems += doc_figures.check_blocks(doc_figures.blocks(database))
    assert not problems, f"{HOW}:\n" + "\n".join(problems)


#: Every other session the docs mark (``<!-- doc-session: NAME -->``), run from an empty
#: folder laid out like the repository's root (docs/own-operation.md's Gorontalo session,
#: about 12 s).
OTHER_SESSIONS = [(doc.name, name) for doc in sorted(DOCS.glob("*.md"))
                  for name in sessions(doc.read_text(encoding="utf-8"))
                  if (doc.name, name) != ("planning.md", doc_figures.SESSION)]


@pytest.mark.parametrize(("doc", "name"), OTHER_SESSIONS)
def test_a_marked_doc_session_prints_what_the_doc_shows(doc: str, name: str,
                                                        tmp_path: Path) -> None:
    steps = sessions((DOCS / doc).read_text(encoding="utf-8"))[name]
    if any("../shared" in s.command for s in steps) and not (DOCS.parents[1] / "shared").is_dir():
        pytest.skip("this session reads ../shared/data, which a fresh clone does not have")
    problems, _ = check(steps, scratch(tmp_path), doc_figures.SESSION_ENV, f"docs/{doc}")
    assert not problems, (f"run `python tests/doc_sessions.py docs/{doc} --write`:\n"
                          + "\n\n".join(problems))


def test_scenario_format_documents_every_file_of_a_scenario_folder() -> None:
    """Every file the folder reader knows has a section of its own (a heading naming it)."""
    headings = re.findall(r"^#+ .*?`([\w.]+)`", (DOCS / "scenario-format.md").read_text(),
                          re.M)
    files = (folder.PROFILE, folder.REGIONS, folder.TPS, folder.UNITS, folder.OFFICERS,
             folder.TNI, folder.LINMAS, *folder.OPTIONAL_FILES, BOUNDARIES)
    assert [f for f in files if f not in headings] == []


def test_a_session_is_read_run_masked_and_rewritten(tmp_path: Path) -> None:
    """The session reader on a doc of its own: commands over continued lines and ``&&``, a
    shell command beside ``pollguard``, ``...`` for any lines, seconds masked, and the
    rewrite that puts the real output under each command."""
    doc = "\n".join([
        "Before: not run.", "```", "$ pollguard --help", "anything", "```",
        "<!-- doc-session: demo -->", "```",
        "$ echo one && \\", "    echo two", "one", "two", "",
        "$ pollguard --db sqlite:///d.db summary --json", "...", "",
        "$ echo took 1.23 s", "took 9.99 s", "$ echo wrong", "right", "```",
        "<!-- /doc-session -->", ""])
    (steps,) = sessions(doc).values()
    assert [s.command for s in steps] == [
        "echo one && echo two", "pollguard --db sqlite:///d.db summary --json",
        "echo took 1.23 s", "echo wrong"]
    problems, outputs = check(steps, tmp_path)
    assert len(problems) == 1 and "line 18: $ echo wrong" in problems[0]
    assert '"tps": 0' in outputs[1]
    assert masked("took 1.23 s\n\n") == ["took #.## s"]
    assert matches(["a", ANY, "d"], ["a", "b", "c", "d"]) and not matches(["a"], ["b"])
    again = rewrite(doc, steps, outputs, tmp_path)
    assert "$ echo wrong\nwrong\n```" in again and "one\ntwo\n\n$ pollguard" in again
    assert check(sessions(again)["demo"], tmp_path)[0] == []
