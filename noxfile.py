"""Sessions: check (the learner's), solutions, tests (the kit's own), hint, stubs (the stubs in
your language); for instructors: grade, gradescope (the autograder bundle), classroom (what the
GitHub Classroom workflow runs); for the kit's translators: i18n (the message catalogues).

Environments are reused between runs and dependencies are installed only when pyproject.toml's
list changes, so a learner's `nox -s check` after an edit costs seconds, not an install.
"""

from __future__ import annotations

import compileall
import hashlib
import re
import shutil
import sys
from pathlib import Path

import nox

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
from grader import i18n as languages  # noqa: E402  (standard library only: nox's Python imports it)

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_existing_virtualenvs = True
nox.options.sessions = ["check"]
BABEL = "babel>=2.14"   # only for the catalogues (nox -s i18n, the tests): never at run time
# how messages are found in the code (tests/test_i18n.py extracts the same way)
EXTRACT_OPTIONS = ("-F", "babel.cfg", "--no-location", "--sort-output", "--no-wrap", "--project", "procgrade",
                   *[arg for name, spec in languages.EXTRACT_KEYWORDS.items()
                     for arg in ("-k", name + (":" + ",".join(map(str, spec)) if spec else ""))])


def dependencies() -> list[str]:
    """The `dependencies` list of pyproject.toml: the one place it is written."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    block = re.search(r"^dependencies = \[(.*?)\]", text, re.S | re.M)
    return re.findall(r'"([^"]+)"', block.group(1)) if block else []


def install(session: nox.Session, *extra: str) -> None:
    """Install the kit's dependencies once per environment (again only when they change), with
    their bytecode: where PYTHONDONTWRITEBYTECODE is set (or the installer skips it, as uv
    does), every check would otherwise compile pytest and psutil from source again (0.2 s)."""
    compile_kit()
    wanted = sorted(dependencies() + list(extra))
    stamp = Path(session.virtualenv.location) / ".procgrade-installed"
    digest = hashlib.sha256("\n".join(wanted).encode()).hexdigest()
    if stamp.is_file() and stamp.read_text() == digest:
        return
    session.install(*wanted)
    session.run("python", "-m", "compileall", "-q", "-j", "0", session.virtualenv.location, silent=True)
    stamp.write_text(digest)


def compile_kit() -> None:
    """The grader's own bytecode, rewritten only for files that changed (a few ms). The sessions'
    environments use nox's own interpreter, so the files compiled here are the ones they read."""
    compileall.compile_dir(ROOT / "grader", quiet=2)


def learner_text(message: str, posargs: list[str]) -> str:
    """A message of a learner's session in the learner's language."""
    try:
        languages.use(languages.choose(languages.lang_flag(posargs)))
    except languages.UnknownLanguage as error:
        return str(error)
    return languages._(message)


@nox.session
def check(session: nox.Session) -> None:
    """Grade your exercises: `nox -s check`, or one: `nox -s check -- ex03`."""
    install(session)
    session.run("python", "-m", "grader", "check", *session.posargs)


@nox.session
def solutions(session: nox.Session) -> None:
    """Grade the reference solutions under fork, spawn and forkserver."""
    install(session)
    session.run("python", "-m", "grader", "check", "--target", "solutions", "--start-method", "all",
                *session.posargs)


@nox.session
def hint(session: nox.Session) -> None:
    """Hints for one exercise: `nox -s hint -- ex03`."""
    install(session)
    if not [a for a in session.posargs if not a.startswith("-")]:
        session.error(learner_text("name the exercise: nox -s hint -- ex03", session.posargs))
    session.run("python", "-m", "grader", "hint", *session.posargs)


@nox.session
def tests(session: nox.Session) -> None:
    """The kit's own tests: solutions pass, stubs fail fast, known-wrong programs fail the right check."""
    # jsonschema, pyyaml: to validate the Gradescope and workflow files; babel: to check that the
    # message catalogues are complete and in step with the code
    install(session, "jsonschema>=4", "pyyaml>=6", BABEL)
    session.run("python", "-m", "pytest", *session.posargs)
    if not session.posargs and shutil.which("bwrap"):
        # the hostile corpus once more, every program inside the optional sandbox
        session.run("python", "-m", "pytest", "tests/test_hostile.py", "-q",
                    env={"PROCGRADE_HOSTILE_SANDBOX": "bwrap"})


@nox.session
def stubs(session: nox.Session) -> None:
    """The stubs in your language: `nox -s stubs -- --lang zh` (only stubs you have not edited yet)."""
    install(session)
    session.run("python", "-m", "grader", "stubs", *session.posargs)


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
    """Grade a class: `nox -s grade -- SUBMISSIONS [--out DIR] [--jobs N] [--start-method M]`."""
    install(session)
    if not session.posargs:
        session.error("name the folder of submissions: nox -s grade -- SUBMISSIONS")
    session.chdir(session.invoked_from)   # so that relative paths mean what they meant where nox was run
    session.run("python", "-m", "grader", "grade", *session.posargs, env={"PYTHONPATH": str(ROOT)})


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
    BENCHMARKS.md. `nox -s bench -- --quick` (about 5 minutes), `-- --only copier`, `-- --candidates`."""
    install(session)
    session.run("python", "-m", "bench", *session.posargs)
