"""Command-line sessions written in the documentation, run again: every ``$ pollguard ...``
line of a fenced block between ``<!-- doc-session: NAME -->`` and ``<!-- /doc-session -->`` in
a Markdown file, in order, with the lines under it (up to the next ``$`` line or the block's
end) as what it must print. A doc shows real commands and their real output; run here, a
changed count, column or message makes the check fail instead of the page going stale.

- A command may continue over lines ending in ``\\`` and chain with ``&&``. ``pollguard`` (or
  ``.venv/bin/pollguard``) runs in this process through ``CliRunner``, stdout and stderr as a
  terminal shows them; a leading ``VAR=value`` sets the environment for that command; any
  other command (``rm -f p.db``, ``ls``) runs in a shell, and ``export VAR=value`` holds for
  the rest of the session. The session runs in one folder (the caller's; relative paths in
  the commands resolve there).
- What a run cannot repeat is masked on both sides before comparing (``MASKS``): seconds
  taken, clock times, the folder of the run. An expected line ``...`` stands for any lines.
- ``rewrite`` puts what the commands printed under them (``python tests/doc_figures.py``
  does it for the docs whose sessions the tests run).

Imported by the documentation tests (``from doc_sessions import sessions, run, check``)."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from typer.testing import CliRunner

from pollguard.cli.main import app

START = re.compile(r"^<!-- doc-session: ([\w-]+) -->\s*$")
END = "<!-- /doc-session -->"
ANY = "..."  # an expected line that stands for any lines (none too)
#: What no two runs print alike, masked on both sides: the seconds a step took, a clock time
#: or date, the ``"seconds"`` of a JSON plan; the run's folder is replaced by ``.`` first.
MASKS = ((re.compile(r"\b\d+\.\d+ s\b"), "#.## s"),
         (re.compile(r'"seconds": [\d.]+'), '"seconds": #'),
         (re.compile(r"\b\d{4}-\d{2}-\d{2} \d{2}:\d{2}(:\d{2})?\b"), "####-##-## ##:##"),
         (re.compile(r"\b\d{2}[.:]\d{2} (WIB|WITA|WIT)\b"), r"##.## \1"))
#: Lines a run prints that name its own folder or key and say nothing of the operation.
DROPPED = (re.compile(r"^created the audit key "),)


@dataclass(frozen=True)
class Step:
    """One ``$`` command of a session and what the doc says it prints."""

    command: str  # continuation lines joined
    expected: tuple[str, ...]
    line: int  # 1-based line of the ``$`` in the file
    output_lines: tuple[int, int]  # [first, end) 0-based lines of the expected output


def sessions(text: str) -> dict[str, list[Step]]:
    """The file's sessions by name, each its steps in order."""
    lines = text.split("\n")
    out: dict[str, list[Step]] = {}
    name: str | None = None
    in_block = False
    i = 0
    while i < len(lines):
        line = lines[i]
        start = START.match(line)
        if start:
            name = start.group(1)
            out.setdefault(name, [])
        elif line.strip() == END:
            name = None
        elif line.lstrip().startswith("```"):
            in_block = not in_block
        elif in_block and name is not None and line.startswith("$ "):
            first = i
            command = line[2:]
            while command.endswith("\\") and i + 1 < len(lines):
                i += 1
                command = command[:-1].rstrip() + " " + lines[i].strip()
            begin = i + 1
            end = begin
            while end < len(lines) and not lines[end].startswith("$ ") and not (
                    lines[end].lstrip().startswith("```")):
                end += 1
            out[name].append(Step(command.strip(), tuple(lines[begin:end]), first + 1,
                                  (begin, end)))
            i = end - 1
        i += 1
    return out


def masked(text: str, folder: Path | None = None) -> list[str]:
    """``text`` as compared: the run's folder as ``.``, ``MASKS`` applied, trailing blanks and
    blank edges dropped, ``DROPPED`` lines left out."""
    if folder is not None:
        text = text.replace(f"{folder}/", "").replace(str(folder), ".")
    for pattern, mask in MASKS:
        text = pattern.sub(mask, text)
    lines = [line.rstrip() for line in text.split("\n")]
    lines = [line for line in lines if not any(p.match(line) for p in DROPPED)]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return lines


def matches(expected: Sequence[str], actual: Sequence[str]) -> bool:
    """Whether ``actual`` is ``expected`` line for line, ``...`` standing for any lines."""
    if not expected:
        return not actual
    if expected[0] == ANY:
        return any(matches(expected[1:], actual[k:]) for k in range(len(actual) + 1))
    return bool(actual) and expected[0] == actual[0] and matches(expected[1:], actual[1:])


@contextmanager
def _inside(folder: Path) -> Iterator[None]:
    before = Path.cwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(before)


def _one(command: str, folder: Path, env: dict[str, str]) -> tuple[int, str]:
    """Run one command of a chain: exit status and what it printed. ``export VAR=value``
    sets ``env`` for the rest of the session."""
    words = shlex.split(command)
    if words and words[0] == "export":
        for word in words[1:]:
            key, _, value = word.partition("=")
            env[key] = value
        return 0, ""
    assigned = {}
    while words and re.match(r"^[A-Z_][A-Z0-9_]*=", words[0]):
        key, _, value = words.pop(0).partition("=")
        assigned[key] = value
    if words and words[0] in ("pollguard", ".venv/bin/pollguard"):
        with _inside(folder):
            result = CliRunner().invoke(app, words[1:], env={**env, **assigned})
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception
        return result.exit_code, result.output
    done = subprocess.run(command, shell=True, cwd=folder, capture_output=True, text=True,
                          env={**os.environ, **env, **assigned}, check=False, timeout=600)
    return done.returncode, done.stdout + done.stderr


def run(step: Step, folder: Path, env: dict[str, str] | None = None) -> str:
    """What ``step`` prints, run in ``folder`` (each command of a ``&&`` chain in turn, as a
    shell would: the chain stops at the first that fails); ``env`` is the session's."""
    printed = []
    for command in step.command.split(" && "):
        status, text = _one(command, folder, env if env is not None else {})
        printed.append(text)
        if status != 0:
            break
    return "".join(printed)


def check(steps: Sequence[Step], folder: Path, env: Mapping[str, str] | None = None,
          name: str = "") -> tuple[list[str], list[str]]:
    """Run ``steps`` in order in ``folder``: a message for each whose output differs from
    the doc's (masked, ``...`` for any lines), and what each printed (for ``rewrite``)."""
    problems, outputs = [], []
    session = dict(env or {})
    for step in steps:
        got = run(step, folder, session)
        outputs.append(got)
        expected = masked("\n".join(step.expected))
        actual = masked(got, folder)
        if not matches(expected, actual):
            problems.append(f"{name} line {step.line}: $ {step.command}\n--- the doc says\n"
                            + "\n".join(expected) + "\n--- it prints\n" + "\n".join(actual))
    return problems, outputs


def rewrite(text: str, steps: Sequence[Step], outputs: Sequence[str],
            folder: Path | None = None) -> str:
    """``text`` with each step's expected lines replaced by what it printed (its folder as
    ``.``, the audit key's notice left out, the blank lines before the next step kept);
    ``...`` lines the doc had are lost."""
    lines = text.split("\n")
    for step, got in sorted(zip(steps, outputs, strict=True),
                            key=lambda s: s[0].output_lines, reverse=True):
        if folder is not None:
            got = got.replace(f"{folder}/", "").replace(str(folder), ".")
        new = [line.rstrip() for line in got.split("\n")
               if not any(p.match(line) for p in DROPPED)]
        while new and not new[-1]:
            new.pop()
        while new and not new[0]:
            new.pop(0)
        expected = list(step.expected)
        blank = 0
        while expected and not expected.pop().strip():
            blank += 1
        begin, end = step.output_lines
        lines[begin:end] = new + [""] * blank
    return "\n".join(lines)


REPO = Path(__file__).resolve().parents[1]


def scratch(folder: Path) -> Path:
    """A folder to run a doc's commands in that reads like the repository's root: ``.venv``
    and ``tests`` linked in, and ``../shared`` beside it when the repository has one (the
    commands' relative paths then resolve as in a checkout); returns the folder to run in."""
    work = folder / "work"
    work.mkdir(parents=True, exist_ok=True)
    for name in (".venv", "tests"):
        if (REPO / name).exists() and not (work / name).exists():
            (work / name).symlink_to(REPO / name)
    shared = REPO.parent / "shared"
    if shared.is_dir() and not (folder / "shared").exists():
        (folder / "shared").symlink_to(shared)
    return work


def main(argv: Sequence[str]) -> int:
    """``python tests/doc_sessions.py DOC [--write]``: run every session of DOC in a scratch
    folder, print where the output differs, and with ``--write`` put the real output in."""
    import sys
    import tempfile

    path = Path(argv[0])
    text = path.read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory(prefix="pollguard-doc-") as tmp:
        work = scratch(Path(tmp))
        found, every, printed = 0, [], []
        for name, steps in sessions(text).items():
            problems, outputs = check(steps, work, {"LOGNAME": "root", "USER": "root"},
                                      f"{path} ({name})")
            found += len(problems)
            every += steps
            printed += outputs
            for problem in problems:
                print(problem, end="\n\n", file=sys.stderr)
        if "--write" in argv:
            path.write_text(rewrite(text, every, printed, work), encoding="utf-8")
    print(f"{path}: {found} step(s) differ" + (", written" if "--write" in argv else ""))
    return 1 if found and "--write" not in argv else 0


if __name__ == "__main__":
    import sys

    raise SystemExit(main(sys.argv[1:]))
