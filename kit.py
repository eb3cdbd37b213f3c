"""`nox` for a machine that has only Python: `python3 kit.py -s check` (Windows: `py kit.py -s check`).

Takes nox's own arguments (`python3 kit.py -s check -- ex03` is `nox -s check -- ex03`; no
arguments: `nox`, which checks every exercise). Wherever the kit says `nox`, this file works too.

Many Pythons refuse `pip install nox` outside a virtual environment (PEP 668: Debian 12, Ubuntu
24.04, Homebrew), and Windows' PowerShell 5.1 has no `&&` to chain an install and a command. So
this file, standard library only, makes its own environment once (.nox/bootstrap, with the
standard `venv`), installs nox there, and hands the command over to it. A Python that already has
nox (NOX_VERSION or newer) is used as it is, with no environment made.

A learner's session (`-s check -- ex03`, `-s list`, no arguments...) whose environment is ready
is handed to the grader here, as the noxfile's session would hand it (grader/learner_env.py),
without starting nox at all: nox's start and session set-up were 60-90 ms of each answer on an
idle machine (more on a busy one).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from grader import commands, learner_env   # standard library only, beside this file

ROOT = Path(__file__).resolve().parent
BOOTSTRAP = ROOT / ".nox" / "bootstrap"
NOX_REQUIREMENT = "nox>=2024.4.15"   # venv_backend "uv|virtualenv" (noxfile.py) needs 2024.3 or newer
NOX_VERSION = (2024, 4, 15)
MINIMUM_PYTHON = (3, 9)
STAMP = "kit-nox.txt"   # in the bootstrap folder: its nox was found to work (stamp_for)


def bootstrap_python(folder: Path = BOOTSTRAP) -> Path:
    return learner_env.venv_python(folder)


def version_tuple(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in text.split(".")[:3] if p.isdigit())


def has_nox(python: str) -> bool:
    """Whether `python` can run nox, new enough for the kit's noxfile: asked by running it."""
    probe = ("import sys, importlib.metadata as m\n"
             "v = tuple(int(p) for p in m.version('nox').split('.')[:3] if p.isdigit())\n"
             "sys.exit(0 if v >= %r else 1)" % (NOX_VERSION,))
    try:
        return subprocess.run([python, "-c", probe], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL).returncode == 0
    except OSError:
        return False


def this_python_has_nox() -> bool:
    """has_nox(sys.executable), asked here: no Python started (each probe cost every learner's
    command 40-60 ms, and a Python without nox, the usual case, needs only a look at sys.path)."""
    import importlib.util
    if importlib.util.find_spec("nox") is None:
        return False
    import importlib.metadata
    try:
        return version_tuple(importlib.metadata.version("nox")) >= NOX_VERSION
    except (importlib.metadata.PackageNotFoundError, ValueError):
        return False


def stamp_for(python: Path) -> str:
    """What the bootstrap's stamp says once its nox was found to work: the interpreter behind it
    (a changed Python, upgraded or replaced, is probed again) and the kit's nox requirement."""
    real = python.resolve()
    facts = real.stat()
    return "%s %d %d %s\n" % (real, facts.st_size, facts.st_mtime_ns, NOX_REQUIREMENT)


def stamped(python: Path, stamp: Path) -> bool:
    try:
        return stamp.read_text(encoding="utf-8") == stamp_for(python)
    except OSError:
        return False


def say(message: str) -> None:
    print("kit.py: " + message, file=sys.stderr, flush=True)


def make_bootstrap(folder: Path = BOOTSTRAP) -> Path:
    """The kit's own environment with nox in it: made once, reused after."""
    python = bootstrap_python(folder)
    stamp = folder / STAMP
    if python.is_file() and stamped(python, stamp):
        return python
    if python.is_file() and has_nox(str(python)):
        stamp.write_text(stamp_for(python), encoding="utf-8")
        return python
    say("installing nox into %s (only this once, about 20 seconds)" % folder)
    step([sys.executable, "-m", "venv", "--clear", str(folder)], venv_hint())
    step([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", NOX_REQUIREMENT],
         "pip could not install nox: is this machine online (or behind a proxy that pip needs: "
         "HTTPS_PROXY)?")
    stamp.write_text(stamp_for(python), encoding="utf-8")
    return python


def venv_hint() -> str:
    if sys.platform.startswith("linux"):
        return ("this Python cannot make a virtual environment. On Debian or Ubuntu install its venv "
                "module first: sudo apt install python3-venv, then run this command again.")
    return "this Python cannot make a virtual environment (its venv module is missing or broken)."


def step(command: list[str], hint: str) -> None:
    done = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if done.returncode:
        sys.stderr.write(done.stdout)
        say("failed: %s\n%s" % (" ".join(command), hint))
        raise SystemExit(2)


def nox_arguments(args: list[str], cwd: Path) -> list[str]:
    """nox's arguments: the ones given, and the kit's noxfile when the folder has none of its own
    (run from anywhere, `python3 path/to/kit.py -s check` grades the kit's exercises)."""
    named = any(a in ("-f", "--noxfile") or a.startswith("--noxfile=") for a in args)
    if not named and not (cwd / "noxfile.py").is_file():
        return ["-f", str(ROOT / "noxfile.py"), *args]
    return list(args)


def uses_the_kits_noxfile(cwd: Path) -> bool:
    """nox, started here, would read the kit's noxfile (exercises/noxfile.py loads it)."""
    own = cwd / "noxfile.py"
    return not own.is_file() or own.resolve() in (ROOT / "noxfile.py", ROOT / "exercises" / "noxfile.py")


def typed_as(script: str = "") -> str:
    """How the learner ran this file (`python3 kit.py`, `py ../kit.py`), so that the report's
    "then run: ..." lines name a command that works for them (grader/commands.py reads it)."""
    launcher = "py" if os.name == "nt" else "python3"
    return "%s %s" % (launcher, script or sys.argv[0])


def main(args: list[str]) -> int:
    os.environ[commands.VARIABLE] = typed_as()
    if sys.version_info < MINIMUM_PYTHON:
        say("the kit needs Python %d.%d or newer; this is %s" % (*MINIMUM_PYTHON, sys.version.split()[0]))
        return 2
    direct = learner_env.session_of(args) if uses_the_kits_noxfile(Path.cwd()) else None
    try:
        if direct is not None and learner_env.ready():
            # what the noxfile's learner session would do, without nox's own start (60-90 ms idle)
            learner_env.hand_over(*direct)
        python = sys.executable if this_python_has_nox() else str(make_bootstrap())
        learner_env.become([python, "-m", "nox", *nox_arguments(args, Path.cwd())])
    except KeyboardInterrupt:   # Windows, which waits for the grader or nox
        return 130
    return 0   # not reached: become() does not return


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
