"""The learner's environment (.nox/learner) and the hand-over of a learner's session to the grader.

Standard library only: noxfile.py imports it in nox's Python, and kit.py in whatever Python the
learner started it with. The learner's sessions (check, watch, list, hint, reset, stubs) do
nothing but hand the terminal over to `python -m grader SESSION ARGS` in this environment; kit.py
does that itself once the environment is ready, without starting nox (nox's own start, its
imports and its session set-up, cost each learner's command 60-90 ms on an idle machine, 0.14
CPU-s at a load of 9), and leaves everything else to nox: making the environment, every other
session, any other option.
"""

from __future__ import annotations

import compileall
import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENV = ROOT / ".nox" / "learner"
SESSIONS = ("check", "watch", "list", "hint", "reset", "stubs")
DEFAULT_SESSION = "check"   # nox's own default (noxfile.py: nox.options.sessions)
STAMP = ".procgrade-installed"


def dependencies(pyproject: Path = ROOT / "pyproject.toml") -> list[str]:
    """The `dependencies` list of pyproject.toml, the one place it is written (read with a regular
    expression: Python 3.9 has no tomllib)."""
    text = pyproject.read_text(encoding="utf-8")
    block = re.search(r"^dependencies = \[(.*?)\]", text, re.S | re.M)
    return re.findall(r'"([^"]+)"', block.group(1)) if block else []


def digest(requirements: list[str]) -> str:
    """What an environment's stamp says once these requirements are installed in it."""
    return hashlib.sha256("\n".join(sorted(requirements)).encode()).hexdigest()


def installed(folder: Path, requirements: list[str]) -> bool:
    stamp = folder / STAMP
    return stamp.is_file() and stamp.read_text() == digest(requirements)


def stamp_installed(folder: Path, requirements: list[str]) -> None:
    (folder / STAMP).write_text(digest(requirements))


def venv_python(folder: Path) -> Path:
    """The interpreter of the virtual environment at `folder`, where each platform puts it."""
    return folder / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def python() -> Path:
    return venv_python(ENV)


def ready() -> bool:
    """The environment exists, with the dependencies pyproject.toml lists now."""
    return python().is_file() and installed(ENV, dependencies())


def compile_kit() -> None:
    """The grader's own bytecode, rewritten only for files that changed (a few ms): where
    PYTHONDONTWRITEBYTECODE is set, every check would otherwise compile the grader again."""
    compileall.compile_dir(ROOT / "grader", quiet=2)


def hand_over(session: str, posargs: list[str]) -> None:
    """Replace this process by `python -m grader SESSION POSARGS` in the learner's environment,
    where it was started (paths mean what they meant there): the grader's output and exit code
    (0 all done, 1 not yet) become the command's, and Ctrl+C reaches one process."""
    compile_kit()
    become([str(python()), "-m", "grader", session, *posargs], dict(os.environ, PYTHONPATH=str(ROOT)))


def become(command: list[str], env: dict[str, str] | None = None) -> None:
    """Replace this process by `command` (never returns): exec where the system has it; Windows has
    no exec that keeps the console, so there it waits, then leaves with the command's exit code
    (SystemExit passes through nox's handlers, which catch only Exception)."""
    sys.stdout.flush()
    sys.stderr.flush()
    if os.name == "posix":
        os.execve(command[0], command, os.environ if env is None else env)
    raise SystemExit(subprocess.run(command, env=env).returncode)


def session_of(args: list[str]) -> tuple[str, list[str]] | None:
    """(session, its arguments) when nox's arguments `args` ask for nothing but one learner's
    session (`-s check -- ex03`, `--session list`, none at all: check); None for anything else,
    which nox must see (another session, several, any option of nox's own)."""
    ours, posargs = (args[:args.index("--")], args[args.index("--") + 1:]) if "--" in args else (args, [])
    if not ours:
        return DEFAULT_SESSION, posargs
    if len(ours) == 2 and ours[0] in ("-s", "--session", "--sessions", "-e") and ours[1] in SESSIONS:
        return ours[1], posargs
    if len(ours) == 1 and ours[0].startswith(("--session=", "--sessions=")) and ours[0].split("=", 1)[1] in SESSIONS:
        return ours[0].split("=", 1)[1], posargs
    return None
