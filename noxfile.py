"""Sessions: the learner's (check, watch, list, hint, reset, stubs: the stubs in your language),
solutions, tests (the kit's own); for instructors: grade, merge, gradescope (the autograder
bundle), classroom (what the GitHub Classroom workflow runs); for the kit's translators: i18n (the
message catalogues).

Environments are reused between runs and dependencies are installed only when pyproject.toml's
list changes, so a learner's `nox -s check` after an edit costs seconds, not an install. The
learner's sessions share one environment (.nox/learner) and hand the terminal over to the grader,
so that the learner reads the grader's report and not nox's own lines about sessions and commands.
exercises/noxfile.py loads this file, so the learner's commands also work from exercises/.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nox

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
from grader import i18n as languages  # noqa: E402  (standard library only: nox's Python imports it)
from grader import learner_env  # noqa: E402  (standard library only too; kit.py uses it as well)
from grader.learner_env import compile_kit, dependencies  # noqa: E402

LEARNER_ENV = learner_env.ENV
LEARNER_SESSIONS = learner_env.SESSIONS
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_existing_virtualenvs = True
nox.options.sessions = [learner_env.DEFAULT_SESSION]
nox.options.envdir = str(ROOT / ".nox")   # the same environments whichever folder nox runs from

BABEL = "babel>=2.14"   # only for the catalogues (nox -s i18n, the tests): never at run time
# how messages are found in the code (tests/test_i18n.py extracts the same way)
EXTRACT_OPTIONS = ("-F", "babel.cfg", "--no-location", "--sort-output", "--no-wrap", "--project", "procgrade",
                   *[arg for name, spec in languages.EXTRACT_KEYWORDS.items()
                     for arg in ("-k", name + (":" + ",".join(map(str, spec)) if spec else ""))])


def install(session: nox.Session, *extra: str) -> None:
    """Install the kit's dependencies once per environment (again only when they change), with
    their bytecode: where PYTHONDONTWRITEBYTECODE is set (or the installer skips it, as uv
    does), every check would otherwise compile pytest and psutil from source again (0.2 s)."""
    compile_kit()   # the sessions' environments use nox's interpreter: the files compiled here are theirs
    wanted = sorted(dependencies() + list(extra))
    folder = Path(session.virtualenv.location)
    if learner_env.installed(folder, wanted):
        return
    session.install(*wanted)
    session.run("python", "-m", "compileall", "-q", "-j", "0", session.virtualenv.location, silent=True)
    learner_env.stamp_installed(folder, wanted)


class _LearnerSessionChatter(logging.Filter):
    """Drops nox's "Running session check" line, so that the learner's sessions print only the
    grader's report (nox's other lines come after the session, and the grader replaces nox before
    that), and "uv binary not found", which only says that nox uses virtualenv, as "uv|virtualenv"
    asks, but reads to a beginner as the tool breaking."""

    DROPPED = frozenset(["uv binary not found."] + ["Running session " + name for name in LEARNER_SESSIONS])

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() not in self.DROPPED


logging.getLogger("nox").addFilter(_LearnerSessionChatter())


def learner_text(message: str) -> str:
    """A message of the learner's sessions, in the learner's language (--lang among the session's
    arguments, then PROCGRADE_LANG, then the locale), before the grader itself runs."""
    try:
        language = languages.choose(languages.lang_flag(sys.argv[sys.argv.index("--") + 1:] if "--" in sys.argv else []))
    except languages.UnknownLanguage:
        language = languages.Language(languages.ENGLISH, "default")   # the grader reports the bad value
    return languages.translation(language.code).gettext(message)


def learner_python() -> Path:
    """The one environment of every learner session, made once and installed again only when
    pyproject.toml's dependencies change. Made here, not by nox, because nox gives each session an
    environment of its own (a second `hint` environment cost 17 s)."""
    python = learner_env.python()
    wanted = sorted(dependencies())
    if learner_env.ready():
        return python
    print(learner_text("Setting up the grader's environment in {folder} (only this once, about 20 seconds).").format(
        folder=LEARNER_ENV), file=sys.stderr, flush=True)
    # virtualenv comes with nox and makes an environment in a second; the standard venv otherwise
    maker = "virtualenv" if _importable("virtualenv") else "venv"
    _quietly([sys.executable, "-m", maker, str(LEARNER_ENV)])
    _quietly([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *wanted])
    _quietly([str(python), "-m", "compileall", "-q", "-j", "0", str(LEARNER_ENV)])
    learner_env.stamp_installed(LEARNER_ENV, wanted)
    return python


def _importable(module: str) -> bool:
    import importlib.util
    return importlib.util.find_spec(module) is not None


def _quietly(command: list[str]) -> None:
    """Run one set-up step; its output is shown only when it fails (then it is the tool's failure)."""
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(learner_text("Setting up the grader's environment failed at: {command}").format(
            command=" ".join(command)))


def hand_over(session: nox.Session, name: str) -> None:
    """Replace nox by the grader (learner_env.hand_over), with nothing of nox's after its report,
    once the learner's environment is ready; run where nox was started."""
    learner_python()
    os.chdir(session.invoked_from)
    learner_env.hand_over(name, list(session.posargs))


@nox.session(venv_backend="none")
def check(session: nox.Session) -> None:
    """Grade your exercises: `nox -s check`, or one: `nox -s check -- ex03`."""
    hand_over(session, "check")


@nox.session(venv_backend="none")
def watch(session: nox.Session) -> None:
    """Re-grade the exercise you are on each time you save a file under exercises/ (Ctrl+C ends)."""
    hand_over(session, "watch")


@nox.session(name="list", venv_backend="none")
def list_(session: nox.Session) -> None:
    """Every exercise with its title, state and checks passed, and the one to do next."""
    hand_over(session, "list")


@nox.session(venv_backend="none")
def hint(session: nox.Session) -> None:
    """The next hint for the exercise you are on, or one: `nox -s hint -- ex03` (`--all`: every hint)."""
    hand_over(session, "hint")


@nox.session(venv_backend="none")
def reset(session: nox.Session) -> None:
    """Put back the original stub of one exercise, keeping yours as a backup: `nox -s reset -- ex03`."""
    hand_over(session, "reset")


@nox.session
def solutions(session: nox.Session) -> None:
    """Grade the reference solutions under fork, spawn and forkserver."""
    install(session)
    session.run("python", "-m", "grader", "check", "--target", "solutions", "--start-method", "all",
                *session.posargs)


@nox.session
def tests(session: nox.Session) -> None:
    """The kit's own tests: solutions pass, stubs fail fast, known-wrong programs fail the right check."""
    # jsonschema, pyyaml: to validate the Gradescope and workflow files; check-jsonschema: its copy
    # of SchemaStore's GitHub workflow schema, to validate .github/workflows and platforms/github-actions
    # offline; babel: to check that the message catalogues are complete and in step with the code
    install(session, "jsonschema>=4", "pyyaml>=6", "check-jsonschema>=0.28", BABEL)
    # PROCGRADE_NOX_PYTHON: the Python that runs nox, for the tests of the learner's nox sessions
    session.run("python", "-m", "pytest", *session.posargs, env={"PROCGRADE_NOX_PYTHON": sys.executable})
    if not session.posargs:
        # the hostile corpus once more under the backend of macOS and Windows (psutil, no subreaper)
        session.run("python", "-m", "pytest", "tests/test_hostile.py", "-q",
                    env={"PROCGRADE_HOSTILE_BACKEND": "portable"})
    if not session.posargs and shutil.which("bwrap"):
        # the hostile corpus once more, every program inside the optional sandbox
        session.run("python", "-m", "pytest", "tests/test_hostile.py", "-q",
                    env={"PROCGRADE_HOSTILE_SANDBOX": "bwrap"})


# `grade` exits with 1 when it graded everything but rejected some submission (their rows say
# why): the run is complete, so nox must not call it failed. 2: it could not run, or was stopped.
GRADED_EXIT_CODES = [0, 1]
# On Ctrl+C nox waits this long for the grader before it sends SIGTERM, then SIGKILL: the grader
# stops its runs, removes its temporary folders and keeps what it graded in well under that.
GRADE_INTERRUPT_SECONDS = 30.0
GRADE_TERMINATE_SECONDS = 15.0


@nox.session(venv_backend="none")
def stubs(session: nox.Session) -> None:
    """The stubs in your language: `nox -s stubs -- --lang zh` (only stubs you have not edited yet)."""
    hand_over(session, "stubs")


@nox.session
def i18n(session: nox.Session) -> None:
    """Translators: extract the messages from the code, update the .po files, compile the .mo files
    (both committed: a fresh clone needs no Babel). Then translate what is new in the .po and run
    this session again."""
    install(session, BABEL)
    template = str(Path(session.create_tmp()) / "procgrade.pot")   # not kept: the .po files are the record
    session.run("pybabel", "extract", *EXTRACT_OPTIONS, "-o", template, ".")
    session.run("pybabel", "update", "-i", template, "-d", "grader/locale", "-D", "procgrade",
                "--no-fuzzy-matching", "--ignore-obsolete", "--no-wrap")
    session.run("pybabel", "compile", "-d", "grader/locale", "-D", "procgrade", "--statistics")


@nox.session
def grade(session: nox.Session) -> None:
    """Grade a class: `nox -s grade -- SUBMISSIONS [--out DIR] [--jobs N] [--start-method M]
    [--resume] [--force] [--shard K/N]`."""
    install(session)
    if not session.posargs:
        session.error("name the folder of submissions: nox -s grade -- SUBMISSIONS")
    session.chdir(session.invoked_from)   # so that relative paths mean what they meant where nox was run
    session.run("python", "-m", "grader", "grade", *session.posargs, env={"PYTHONPATH": str(ROOT)},
                success_codes=GRADED_EXIT_CODES, interrupt_timeout=GRADE_INTERRUPT_SECONDS,
                terminate_timeout=GRADE_TERMINATE_SECONDS)


@nox.session
def merge(session: nox.Session) -> None:
    """Join the outputs of `grade --shard K/N` runs: `nox -s merge -- OUT1 OUT2 ... --out ALL`."""
    install(session)
    if not session.posargs:
        session.error("name the outputs to join: nox -s merge -- OUT1 OUT2 --out ALL")
    session.chdir(session.invoked_from)
    session.run("python", "-m", "grader", "merge", *session.posargs, env={"PYTHONPATH": str(ROOT)})


CONSTRAINTS = ROOT / "platforms" / "gradescope" / "constraints.txt"


@nox.session
def constraints(session: nox.Session) -> None:
    """Rewrite platforms/gradescope/constraints.txt: the exact versions of the grader's
    dependencies (and theirs) that `nox -s tests` installs, which Gradescope's setup.sh installs."""
    install(session)
    frozen = session.run("python", "-m", "pip", "freeze", "--exclude-editable", silent=True)
    CONSTRAINTS.write_text(constraints_text(str(frozen), dependencies()), encoding="utf-8")
    session.log("wrote %s" % CONSTRAINTS)


def constraints_text(frozen: str, wanted: list[str]) -> str:
    pins = sorted((line.strip() for line in frozen.splitlines() if "==" in line and not line.startswith("#")),
                  key=str.lower)
    return ("# The versions the kit is tested with (`nox -s constraints` rewrites this file from a fresh\n"
            "# environment holding the kit's dependencies). Gradescope's setup.sh installs %s with them.\n"
            % ", ".join(wanted)) + "\n".join(pins) + "\n"


@nox.session
def gradescope(session: nox.Session) -> None:
    """Build dist/autograder.zip, the Gradescope autograder (setup.sh, run_autograder, the grader)."""
    install(session)
    session.run("python", "-m", "grader", "gradescope-bundle", *session.posargs)


@nox.session
def classroom(session: nox.Session) -> None:
    """What the GitHub Classroom workflow runs: `nox -s classroom -- PATH_TO_THE_STUDENT_REPOSITORY`."""
    install(session)
    session.chdir(session.invoked_from)
    session.run("python", "-m", "grader", "classroom", *session.posargs, env={"PYTHONPATH": str(ROOT)})


@nox.session
def bench(session: nox.Session) -> None:
    """Benchmarks, not part of `tests` (15-25 minutes, most of it grading a class of 100): rewrites
    BENCHMARKS.md. `nox -s bench -- --targets` (issue 14's rows, about 8 minutes), `-- --quick` (about 5
    minutes), `-- --only copier`, `-- --candidates`."""
    install(session)
    session.run("python", "-m", "bench", *session.posargs)
