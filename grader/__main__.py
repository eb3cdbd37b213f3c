"""Command line: `python -m grader check [EXERCISE ...]`; the learner's loop around it: `watch`,
`list`, `hint [EXERCISE]`, `reset EXERCISE`; the instructor's commands (`grade`, ...).

The nox sessions of the same names call this; it runs the exercise suites with pytest (the
plugin starts the learner's programs, never this process) and prints the learner's report.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import os
import platform
import sys
from pathlib import Path
from typing import Sequence

import pytest

from . import backends, i18n, learner, runner
from . import report as terminal
from .commands import learner_command
from .console import fit_console
from .exercises import SUITES, Exercise, select
from .i18n import _
from .machine import pytest_timeout_method
from .plugin import JOBS, GraderPlugin, GradingConfig
from .results import Report, State
from .start_methods import CHOICES as START_METHOD_CHOICES
from .start_methods import resolve as start_methods
from .timeline import can_draw
from .sandbox import SANDBOXES

KIT = Path(__file__).resolve().parent.parent
PYTEST_INI = Path(__file__).resolve().parent / "pytest.ini"
EXIT_GRADER_FAILED = 2   # the grader itself broke: never 1, which means "an exercise is not done yet"
LANGUAGE_NAMES = {"en": i18n.N_("English"), "zh": i18n.N_("Chinese")}
# pytest plugins the suites never use: the grade comes from the plugin's own records, and
# unraisableexception runs gc.collect() twice at the end of every session (20-35 ms)
UNUSED_PLUGINS = ("unraisableexception", "threadexception", "doctest", "pastebin", "legacypath",
                  "recwarn", "setuponly", "setupplan", "stepwise", "logging", "debugging", "cacheprovider")


AUTOLOAD_OFF = {"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}


@contextlib.contextmanager
def _environment(values: dict[str, str]):
    """os.environ with `values` while the block runs, as it was afterwards."""
    before = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def grade(targets: list[Path], exercises: list[str], methods: list[str], jobs: int,
          junitxml: str = "", verbose: bool = False, plugins: Sequence[object] = (),
          sandbox: str = "none", notes: bool = True) -> GraderPlugin:
    """Run the suites of `exercises` against every target; the plugin holds the results.
    `plugins`: more pytest plugin objects for the session (the instructor's progress display);
    `notes`: the suites' notes for the learner (timed: an instructor's outputs leave them out, so
    that grading the same class twice gives the same bytes)."""
    runner.sweep_stale_runs()
    plugin = GraderPlugin(GradingConfig(targets, methods, jobs, sandbox, notes))
    args = [str(e.suite) for e in select(exercises)]
    args += ["-p", "grader.plugin", "--noconftest", "-c", str(PYTEST_INI),
             "--rootdir", str(SUITES.parent), "-o", "timeout_method=" + pytest_timeout_method(),
             # the checks fail with CheckFailed, never a bare assert: rewriting the suites' asserts
             # parsed and compiled 31 modules on every run (0.3 s of CPU per check)
             "--assert=plain"]
    for name in UNUSED_PLUGINS:
        args += ["-p", "no:" + name]
    # The one plugin the grader uses by name (pytest-timeout); no other installed plugin is loaded
    # (AUTOLOAD_OFF): an environment's extras (anyio's, came with watchfiles: 0.1 s of imports)
    # cost every check, and an instructor's own could change how the suites run.
    args += ["-p", "pytest_timeout"]
    # sys-level capture: the programs' output never reaches the grader's file descriptors (the
    # supervisor writes it to files), and fd-level capture made 4 dup2() per check phase
    args += ["--capture=sys"]
    args += ["-q", "--no-header"] if verbose else ["-p", "no:terminal"]
    if junitxml:
        args += ["--junitxml", junitxml]
    with _environment(AUTOLOAD_OFF):
        code = pytest.main(args, plugins=[plugin, *plugins])
    if code == pytest.ExitCode.INTERRUPTED:   # Ctrl+C (or, while a class is graded, SIGTERM)
        raise KeyboardInterrupt
    if code not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
        raise SystemExit(_("the grader could not run its suites (pytest exit code {code}).").format(code=int(code)))
    return plugin


def cmd_check(args: argparse.Namespace) -> int:
    targets = [Path(t).resolve() for t in (args.target or [KIT / "exercises"])]
    missing = [t for t in targets if not t.is_dir()]
    if missing:
        print(_("no such folder: {folder}").format(folder=missing[0]), file=sys.stderr)
        return 2
    try:
        plugin = grade(targets, args.exercises, start_methods(args.start_method), args.jobs,
                       args.junitxml, args.verbose, sandbox=args.sandbox)
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2
    reports = plugin.reports()
    for r in reports:
        if learner.is_workspace(Path(r.target)):
            learner.remember(learner.Workspace(Path(r.target)), r)
    ascii_only = not can_draw(getattr(sys.stdout, "encoding", None))
    text = "\n\n".join(terminal.render(r, _shown(Path(r.target)), _later(r), args.timeline, ascii_only)
                       for r in reports)
    print(text)
    if args.html:
        from .page import write_page
        write_page(Path(args.html), reports, [_shown(Path(r.target)) for r in reports])
    if not args.target:
        notice = stubs_notice(KIT / "exercises", i18n.current())
        if notice:
            print(notice, file=sys.stderr)
    if args.json:
        Path(args.json).write_text(json.dumps([r.to_dict() for r in reports], ensure_ascii=False, indent=1),
                                   encoding="utf-8")
    failure = grader_failure(reports, args)
    if failure:
        print(failure, file=sys.stderr)
        return EXIT_GRADER_FAILED
    return 0 if all(r.all_done for r in reports) else 1


def grader_failure(reports: Sequence[Report], args: argparse.Namespace) -> str:
    """The loud block for the exercises the grader itself failed on ("" when there are none)."""
    return terminal.render_grader_failure(reports, " ".join(["python -m grader", *getattr(args, "argv", [])]),
                                          "%s (%s)" % (sys.version.replace("\n", " "), sys.executable),
                                          platform.platform())


def _later(report: Report) -> list[Exercise]:
    return learner.later(learner.Workspace(Path(report.target)), [e.exercise for e in report.exercises])


def learner_grader(jobs: int = JOBS) -> learner.Grader:
    """Grades some exercises of one folder under the learner's default start method, quietly."""
    def grade_folder(folder: Path, exercises: list[str]) -> Report:
        return grade([folder], exercises, [learner.DEFAULT_METHOD], jobs).reports()[0]
    return grade_folder


def _workspace(args: argparse.Namespace) -> learner.Workspace:
    return learner.Workspace(Path(args.target).resolve() if args.target else KIT / "exercises")


def _one_exercise(name: str) -> Exercise:
    (exercise,) = select([name])
    return exercise


def cmd_list(args: argparse.Namespace) -> int:
    workspace = _workspace(args)
    grades = learner.refresh(workspace, learner_grader(args.jobs))
    print(learner.render_list(grades, _shown(workspace.exercises)))
    return 0 if all(g.state == State.DONE.value for g in grades.values()) else 1


def cmd_hint(args: argparse.Namespace) -> int:
    workspace = _workspace(args)
    try:
        exercise = _one_exercise(args.exercise) if args.exercise else learner.current(workspace, learner_grader())
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2
    if exercise is None:
        print(_("Every exercise is done: no hint needed. Name one to read its hints: {command}").format(
            command=learner_command("hint", "ex03")))
        return 0
    hints = learner.hints_of(exercise, i18n.current())
    if hints is None:
        print(_("no hints written yet for {exercise}").format(exercise=exercise.id), file=sys.stderr)
        return 2
    print(learner.all_hints(hints) if args.all else learner.next_hint(workspace, exercise, hints))
    return 0


def cmd_reset(args: argparse.Namespace) -> int:
    workspace = _workspace(args)
    if not args.exercise:
        print(_("Name the exercise to put back as it was shipped: {command} (your file is kept "
                "in {folder}/).").format(command=learner_command("reset", "ex03"), folder=_shown(workspace.backups)),
              file=sys.stderr)
        return 2
    try:
        exercise = _one_exercise(args.exercise)
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2
    program = workspace.program(exercise)
    language = i18n.current()
    if program.is_file() and program.read_text(encoding="utf-8", errors="replace") == learner.original(exercise, language):
        print(_("{file} is already the original stub: nothing to do.").format(file=_shown(program)))
        return 0
    if not args.yes and not _confirmed(exercise, workspace):
        return 2
    kept = learner.reset(workspace, exercise, datetime.datetime.now(), language)
    if kept is not None:
        print(_("Your {file} is kept as {copy}.").format(file=exercise.file, copy=_shown(kept)))
    print(_("{file} is the original stub again.").format(file=_shown(program)))
    return 0


def _confirmed(exercise: Exercise, workspace: learner.Workspace) -> bool:
    question = _("Put back the original {file}? Your file is kept in {folder}/. Type y to go on: ").format(
        file=exercise.file, folder=_shown(workspace.backups))
    if not sys.stdin or not sys.stdin.isatty():
        print(_("Nothing was changed: reset asks before it replaces your file, and there is no one to ask "
                "here (no terminal). Add --yes to reset without asking: {command}").format(
                    command=learner_command("reset", exercise.id, "--yes")), file=sys.stderr)
        return False
    try:
        answer = input(question)
    except EOFError:
        answer = ""
    if answer.strip().lower() not in ("y", "yes"):
        print(_("Nothing was changed."))
        return False
    return True


def cmd_watch(args: argparse.Namespace) -> int:
    from .watch import watch
    workspace = _workspace(args)

    def render(report: Report, where: learner.Workspace) -> str:
        failure = grader_failure([report], args)
        return terminal.render(report, _shown(where.exercises), _later(report)) + ("\n" + failure if failure else "")
    return watch(workspace, learner_grader(args.jobs), render, _shown(workspace.exercises))


def cmd_stubs(args: argparse.Namespace) -> int:
    from .stubs import switch
    language = i18n.current()
    name = LANGUAGE_NAMES[language]
    for s in switch(Path(args.target).resolve(), language, everyone=args.from_lessons):
        if s.was is None:
            print(_("{file}: kept as it is: you have already written in it.").format(file=s.file))
        elif s.was == language:
            print(_("{file}: already in {language}.").format(file=s.file, language=_(name)))
        else:
            print(_("{file}: now in {language}.").format(file=s.file, language=_(name)))
    return 0


def stubs_notice(folder: Path, language: str) -> str:
    """A line for the learner whose untouched stubs are in another language than theirs."""
    from .stubs import switch
    other = [s for s in switch(folder, language, write=False) if s.was not in (None, language)]
    if not other:
        return ""
    return _("The stubs you have not started yet are in {language}; to have them in {wanted}, run: "
             "{command}").format(language=_(LANGUAGE_NAMES[other[0].was]), wanted=_(LANGUAGE_NAMES[language]),
                                 command=learner_command("stubs", "--lang", language))


def cmd_grade(args: argparse.Namespace) -> int:
    from .instructor import EXIT_COULD_NOT_RUN, Shard, grade_class
    from .submissions import BadInput
    try:
        return grade_class(Path(args.submissions), Path(args.out) if args.out else None, grade, args.exercises,
                           start_methods(args.start_method), args.jobs, sandbox=args.sandbox, resume=args.resume,
                           force=args.force, shard=Shard.parse(args.shard) if args.shard else None)
    except (BadInput, ValueError) as error:
        print(error, file=sys.stderr)
        return EXIT_COULD_NOT_RUN


def cmd_merge(args: argparse.Namespace) -> int:
    from .instructor import EXIT_COULD_NOT_RUN, merge
    from .submissions import BadInput
    try:
        return merge([Path(p) for p in args.outputs], Path(args.out), force=args.force)
    except (BadInput, ValueError, OSError) as error:
        print(error, file=sys.stderr)
        return EXIT_COULD_NOT_RUN


def cmd_gradescope(args: argparse.Namespace) -> int:
    from .platforms import autograder_root, gradescope
    from .submissions import BadInput
    try:
        return gradescope(autograder_root(args.root), grade, args.jobs)
    except BadInput as error:
        print(error, file=sys.stderr)
        return 2


def cmd_gradescope_bundle(args: argparse.Namespace) -> int:
    from .platforms import assignment_total, build_gradescope_bundle
    print(_("wrote {file}; set the assignment's total points on Gradescope to {total} (every check of every "
            "exercise)").format(file=build_gradescope_bundle(Path(args.out).resolve()), total=assignment_total()))
    return 0


def cmd_classroom(args: argparse.Namespace) -> int:
    from .platforms import classroom
    from .submissions import BadInput
    try:
        return classroom(Path(args.repository).resolve(), grade, args.jobs)
    except BadInput as error:
        print(error, file=sys.stderr)
        return 2


def _shown(target: Path) -> str:
    try:
        return str(target.relative_to(Path.cwd())) or "."
    except ValueError:
        return str(target)


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="python -m grader", description=_("procgrade: graded multiprocessing exercises"))
    sub = top.add_subparsers(dest="command", required=True)

    check = sub.add_parser("check", help=_("grade a folder of exercise programs and print the report"))
    check.add_argument("exercises", nargs="*", help=_("exercises to grade (ex03, 3 or a file name); default all"))
    check.add_argument("--target", action="append",
                       help=_("folder holding the exercise programs (default: exercises/); may be repeated"))
    check.add_argument("--start-method", default="spawn", choices=START_METHOD_CHOICES,
                       help=_("how child processes start (default: spawn, as on macOS and Windows)"))
    check.add_argument("--jobs", type=int, default=JOBS,
                       help=_("programs run at the same time (default: twice the CPUs this process may use, "
                              "%(default)s)"))
    check.add_argument("--json", default="", help=_("also write the results (a list, one per target) as JSON"))
    check.add_argument("--junitxml", default="", help=_("also write JUnit XML (pytest's own) to this file"))
    check.add_argument("--timeline", action="store_true",
                       help=_("show which process ran when for every exercise graded (it is shown anyway under "
                              "a failing check about time)"))
    check.add_argument("--html", default="", metavar="FILE",
                       help=_("also write the report with a timeline of the processes per exercise as one "
                              "self-contained HTML page"))
    check.add_argument("--sandbox", default="none", choices=SANDBOXES,
                       help=_("bwrap: run each program inside bubblewrap (own pid namespace, no "
                              "network, read-only system, private /tmp); default: %(default)s"))
    add_backend_argument(check)
    check.add_argument("-v", "--verbose", action="store_true", help=_("show pytest's own output too"))
    add_lang_argument(check)
    check.set_defaults(func=cmd_check)

    learner_commands(sub)
    stubs = sub.add_parser("stubs", help=_("put the stubs you have not edited yet into your language "
                                           "(--lang, else PROCGRADE_LANG, else the locale)"))
    stubs.add_argument("--target", default=str(KIT / "exercises"), help=_("the folder of the stubs (default: exercises/)"))
    stubs.add_argument("--from-lessons", action="store_true",
                       help=_("rewrite every stub from grader/lessons/, also one you have written in (for the "
                              "kit's maintainers, after editing a lesson)"))
    add_lang_argument(stubs)
    stubs.set_defaults(func=cmd_stubs)
    instructor_commands(sub)
    return top


EXIT_CODES = i18n.N_("exit codes: 0 every submission graded; 1 graded, but some submission was rejected or broke "
              "the grader (its row says why); 2 could not run, or interrupted (finish with --resume)")


def learner_commands(sub) -> None:
    target = dict(default="", help=_("the folder of exercise programs (default: the kit's exercises/)"))
    jobs = dict(type=int, default=JOBS, help=_("programs run at the same time (default: %(default)s)"))
    watch = sub.add_parser("watch", help=_("re-grade the exercise you are on at every save (Ctrl+C ends)"))
    watch.add_argument("--target", **target)
    watch.add_argument("--jobs", **jobs)
    add_lang_argument(watch)
    watch.set_defaults(func=cmd_watch)

    list_ = sub.add_parser("list", help=_("every exercise with its state and checks passed, and the next one"))
    list_.add_argument("--target", **target)
    list_.add_argument("--jobs", **jobs)
    add_lang_argument(list_)
    list_.set_defaults(func=cmd_list)

    hint = sub.add_parser("hint", help=_("the next hint for an exercise (default: the one you are on)"))
    hint.add_argument("exercise", nargs="?", default="", help=_("ex03, 3 or a file name"))
    hint.add_argument("--all", action="store_true", help=_("every hint of the exercise at once"))
    hint.add_argument("--target", **target)
    add_lang_argument(hint)
    hint.set_defaults(func=cmd_hint)

    reset = sub.add_parser("reset", help=_("put an exercise's original stub back (yours goes to backups/)"))
    reset.add_argument("exercise", nargs="?", default="", help=_("ex03, 3 or a file name"))
    reset.add_argument("--yes", action="store_true", help=_("do not ask first"))
    reset.add_argument("--target", **target)
    add_lang_argument(reset)
    reset.set_defaults(func=cmd_reset)


def add_lang_argument(command: argparse.ArgumentParser) -> None:
    # read by i18n.lang_flag() before the parser is built (the help itself is translated), and
    # declared here so that the command accepts it and lists it
    command.add_argument("--lang", metavar="LANG", help=_(
        "the language of the report, the hints and these messages: {languages} (default: "
        "PROCGRADE_LANG, then the locale, else en)").format(languages=", ".join(i18n.LANGUAGES)))


def instructor_commands(sub) -> None:
    jobs = dict(type=int, default=JOBS, help=_("programs run at the same time (default: twice the CPUs this "
                                             "process may use, %(default)s)"))
    grade_ = sub.add_parser("grade", help=_("grade a class: one folder or .zip per student"), epilog=_(EXIT_CODES))
    grade_.add_argument("submissions", help=_("the folder that holds the submissions"))
    grade_.add_argument("exercises", nargs="*", help=_("exercises to grade (default: all)"))
    grade_.add_argument("--out", default="", help=_("output folder (default: SUBMISSIONS-grades, next to it)"))
    grade_.add_argument("--jobs", **jobs)
    grade_.add_argument("--start-method", default="spawn", choices=START_METHOD_CHOICES,
                        help=_("how child processes start (default: spawn)"))
    grade_.add_argument("--sandbox", default="none", choices=SANDBOXES, help=_("as for check (default: %(default)s)"))
    add_backend_argument(grade_)
    grade_.add_argument("--resume", action="store_true",
                        help=_("finish an interrupted run: grade only the submissions it did not grade"))
    grade_.add_argument("--force", action="store_true",
                        help=_("replace a grades.csv edited by hand, or start over from an interrupted run"))
    grade_.add_argument("--shard", default="",
                        help=_("K/N: grade only shard K of N (by id; join the N outputs with `merge`)"))
    add_lang_argument(grade_)
    grade_.set_defaults(func=cmd_grade)

    merge = sub.add_parser("merge", help=_("join the outputs of several `grade --shard` runs into one"))
    merge.add_argument("outputs", nargs="+", help=_("the output folders to join"))
    merge.add_argument("--out", required=True, help=_("the joined output folder"))
    merge.add_argument("--force", action="store_true", help=_("replace a grades.csv edited by hand"))
    merge.set_defaults(func=cmd_merge)

    gradescope = sub.add_parser("gradescope", help=_("grade ROOT/submission into ROOT/results/results.json"))
    gradescope.add_argument("--root", default="", help=_("default: $PROCGRADE_AUTOGRADER_ROOT or /autograder"))
    gradescope.add_argument("--jobs", **jobs)
    add_lang_argument(gradescope)
    gradescope.set_defaults(func=cmd_gradescope)

    bundle = sub.add_parser("gradescope-bundle", help=_("build the Gradescope autograder zip"))
    bundle.add_argument("--out", default=str(KIT / "dist" / "autograder.zip"), help=_("default: %(default)s"))
    bundle.set_defaults(func=cmd_gradescope_bundle)

    classroom = sub.add_parser("classroom", help=_("grade a repository for GitHub Classroom's reporter"))
    classroom.add_argument("repository", nargs="?", default=".", help=_("the student's repository (default: .)"))
    classroom.add_argument("--jobs", **jobs)
    add_lang_argument(classroom)
    classroom.set_defaults(func=cmd_classroom)


# argparse's own words a learner meets (usage, the help's headings, its errors), translated by our
# catalogue: argparse looks its module-level `_` up on every call, so the command points it at ours
ARGPARSE_WORDS = (
    i18n.N_("usage: "), i18n.N_("positional arguments"), i18n.N_("options"), i18n.N_("optional arguments"),
    i18n.N_("show this help message and exit"), i18n.N_("%(prog)s: error: %(message)s\n"),
    i18n.N_("the following arguments are required: %s"), i18n.N_("unrecognized arguments: %s"),
    i18n.N_("argument %(argument_name)s: %(message)s"), i18n.N_("invalid choice: %(value)r (choose from %(choices)s)"),
    i18n.N_("invalid %(type)s value: %(value)r"), i18n.N_("expected one argument"),
)


def add_backend_argument(command: argparse.ArgumentParser) -> None:
    command.add_argument("--backend", default="", choices=backends.NAMES,
                         help=_("how the grader watches and stops your programs: linux (Linux only) or "
                                "portable (psutil: macOS, Windows, and Linux for testing); default: "
                                "$PROCGRADE_BACKEND, else {default} on this system").format(
                                    default=backends.default_name()))


def use_backend(name: str) -> bool:
    """Make `name` (or PROCGRADE_BACKEND) the backend of every run of this command; False, after
    saying why, when it cannot run here."""
    try:
        chosen = backends.resolve(name)
    except backends.Unavailable as error:
        print(error, file=sys.stderr)
        return False
    os.environ[backends.VARIABLE] = chosen
    return True


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    fit_console()
    try:
        i18n.use(i18n.choose(i18n.lang_flag(argv)))
    except i18n.UnknownLanguage as error:
        print(error, file=sys.stderr)
        return 2
    argparse._ = _  # type: ignore[attr-defined]  # see ARGPARSE_WORDS
    args = parser().parse_args(argv)
    if hasattr(args, "backend") and not use_backend(args.backend):
        return 2
    args.argv = list(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:   # the learner's Ctrl+C: the grader's `finally`s have run
        print(_("interrupted"), file=sys.stderr)
        return 2
    except BrokenPipeError:  # the report was piped into `head` or a pager that quit early
        sys.stderr.close()
        return 1


if __name__ == "__main__":
    sys.exit(main())
