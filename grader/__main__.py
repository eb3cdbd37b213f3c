"""Command line: `python -m grader check [EXERCISE ...]`, `python -m grader hint EXERCISE`.

`nox -s check` and `nox -s solutions` call this; it runs the exercise suites with pytest (the
plugin starts the learner's programs, never this process) and prints the learner's report.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import sys
from pathlib import Path
from typing import Sequence

import pytest

from . import i18n
from . import report as terminal
from .console import fit_console
from .exercises import SUITES, select
from .i18n import _
from .plugin import JOBS, GraderPlugin, GradingConfig
from .runner import START_METHODS
from .sandbox import SANDBOXES

KIT = Path(__file__).resolve().parent.parent
PYTEST_INI = Path(__file__).resolve().parent / "pytest.ini"
HINTS = Path(__file__).resolve().parent / "hints"
LANGUAGE_NAMES = {"en": i18n.N_("English"), "zh": i18n.N_("Chinese")}
# pytest plugins the suites never use: the grade comes from the plugin's own records, and
# unraisableexception runs gc.collect() twice at the end of every session (20-35 ms)
UNUSED_PLUGINS = ("unraisableexception", "threadexception", "doctest", "pastebin", "legacypath",
                  "recwarn", "setuponly", "setupplan", "stepwise", "logging", "debugging", "cacheprovider")


def start_methods(choice: str) -> list[str]:
    if choice == "all":
        return list(START_METHODS)
    if choice == "default":
        return [multiprocessing.get_start_method()]
    return [choice]


def grade(targets: list[Path], exercises: list[str], methods: list[str], jobs: int,
          junitxml: str = "", verbose: bool = False, plugins: Sequence[object] = (),
          sandbox: str = "none", notes: bool = True) -> GraderPlugin:
    """Run the suites of `exercises` against every target; the plugin holds the results.
    `plugins`: more pytest plugin objects for the session (the instructor's progress display);
    `notes`: the suites' notes for the learner (timed: an instructor's outputs leave them out, so
    that grading the same class twice gives the same bytes)."""
    plugin = GraderPlugin(GradingConfig(targets, methods, jobs, sandbox, notes))
    args = [str(e.suite) for e in select(exercises)]
    args += ["-p", "grader.plugin", "--noconftest", "-c", str(PYTEST_INI),
             "--rootdir", str(SUITES.parent)]
    for name in UNUSED_PLUGINS:
        args += ["-p", "no:" + name]
    args += ["-q", "--no-header"] if verbose else ["-p", "no:terminal"]
    if junitxml:
        args += ["--junitxml", junitxml]
    code = pytest.main(args, plugins=[plugin, *plugins])
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
    print("\n\n".join(terminal.render(r, _shown(Path(r.target))) for r in reports))
    if not args.target:
        notice = stubs_notice(KIT / "exercises", i18n.current())
        if notice:
            print(notice, file=sys.stderr)
    if args.json:
        Path(args.json).write_text(json.dumps([r.to_dict() for r in reports], ensure_ascii=False, indent=1),
                                   encoding="utf-8")
    return 0 if all(r.all_done for r in reports) else 1


def cmd_hint(args: argparse.Namespace) -> int:
    try:
        (exercise,) = select([args.exercise])
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2
    path = hints_file(exercise.id, i18n.current())
    if not path.is_file():
        path = hints_file(exercise.id, i18n.ENGLISH)   # hints written, not yet translated
    if not path.is_file():
        print(_("no hints written yet for {exercise}").format(exercise=exercise.id), file=sys.stderr)
        return 2
    print(path.read_text(encoding="utf-8"))
    return 0


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
             "nox -s stubs -- --lang {code}").format(language=_(LANGUAGE_NAMES[other[0].was]),
                                                      wanted=_(LANGUAGE_NAMES[language]), code=language)


def cmd_grade(args: argparse.Namespace) -> int:
    from .instructor import grade_class
    from .submissions import BadInput
    try:
        return grade_class(Path(args.submissions), Path(args.out) if args.out else None, grade, args.exercises,
                           start_methods(args.start_method), args.jobs, sandbox=args.sandbox)
    except (BadInput, ValueError) as error:
        print(error, file=sys.stderr)
        return 2


def cmd_gradescope(args: argparse.Namespace) -> int:
    from .platforms import autograder_root, gradescope
    from .submissions import BadInput
    try:
        return gradescope(autograder_root(args.root), grade, args.jobs)
    except BadInput as error:
        print(error, file=sys.stderr)
        return 2


def cmd_gradescope_bundle(args: argparse.Namespace) -> int:
    from .platforms import build_gradescope_bundle
    print(_("wrote {file}").format(file=build_gradescope_bundle(Path(args.out).resolve())))
    return 0


def cmd_classroom(args: argparse.Namespace) -> int:
    from .platforms import classroom
    from .submissions import BadInput
    try:
        return classroom(Path(args.repository).resolve(), grade, args.jobs)
    except BadInput as error:
        print(error, file=sys.stderr)
        return 2


def hints_file(exercise: str, language: str) -> Path:
    return HINTS / ("%s.%s.md" % (exercise, language))


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
    check.add_argument("--start-method", default="spawn", choices=[*START_METHODS, "default", "all"],
                       help=_("how child processes start (default: spawn, as on macOS and Windows)"))
    check.add_argument("--jobs", type=int, default=JOBS,
                       help=_("programs run at the same time (default: twice the cores, %(default)s)"))
    check.add_argument("--json", default="", help=_("also write the results (a list, one per target) as JSON"))
    check.add_argument("--junitxml", default="", help=_("also write JUnit XML (pytest's own) to this file"))
    check.add_argument("--sandbox", default="none", choices=SANDBOXES,
                       help=_("bwrap: run each program inside bubblewrap (own pid namespace, no "
                              "network, read-only system, private /tmp); default: %(default)s"))
    check.add_argument("-v", "--verbose", action="store_true", help=_("show pytest's own output too"))
    add_lang_argument(check)
    check.set_defaults(func=cmd_check)

    hint = sub.add_parser("hint", help=_("print the hints for one exercise"))
    hint.add_argument("exercise", help=_("ex03, 3 or a file name"))
    add_lang_argument(hint)
    hint.set_defaults(func=cmd_hint)

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


def add_lang_argument(command: argparse.ArgumentParser) -> None:
    # read by i18n.lang_flag() before the parser is built (the help itself is translated), and
    # declared here so that the command accepts it and lists it
    command.add_argument("--lang", metavar="LANG", help=_(
        "the language of the report, the hints and these messages: {languages} (default: "
        "PROCGRADE_LANG, then the locale, else en)").format(languages=", ".join(i18n.LANGUAGES)))


def instructor_commands(sub) -> None:
    jobs = dict(type=int, default=JOBS, help=_("programs run at the same time (default: twice the cores, %(default)s)"))
    grade_ = sub.add_parser("grade", help=_("grade a class: one folder or .zip per student"))
    grade_.add_argument("submissions", help=_("the folder that holds the submissions"))
    grade_.add_argument("exercises", nargs="*", help=_("exercises to grade (default: all)"))
    grade_.add_argument("--out", default="", help=_("output folder (default: SUBMISSIONS-grades, next to it)"))
    grade_.add_argument("--jobs", **jobs)
    grade_.add_argument("--start-method", default="spawn", choices=[*START_METHODS, "default", "all"],
                        help=_("how child processes start (default: spawn)"))
    grade_.add_argument("--sandbox", default="none", choices=SANDBOXES, help=_("as for check (default: %(default)s)"))
    grade_.set_defaults(func=cmd_grade)

    gradescope = sub.add_parser("gradescope", help=_("grade ROOT/submission into ROOT/results/results.json"))
    gradescope.add_argument("--root", default="", help=_("default: $PROCGRADE_AUTOGRADER_ROOT or /autograder"))
    gradescope.add_argument("--jobs", **jobs)
    gradescope.set_defaults(func=cmd_gradescope)

    bundle = sub.add_parser("gradescope-bundle", help=_("build the Gradescope autograder zip"))
    bundle.add_argument("--out", default=str(KIT / "dist" / "autograder.zip"), help=_("default: %(default)s"))
    bundle.set_defaults(func=cmd_gradescope_bundle)

    classroom = sub.add_parser("classroom", help=_("grade a repository for GitHub Classroom's reporter"))
    classroom.add_argument("repository", nargs="?", default=".", help=_("the student's repository (default: .)"))
    classroom.add_argument("--jobs", **jobs)
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
    try:
        return args.func(args)
    except BrokenPipeError:  # the report was piped into `head` or a pager that quit early
        sys.stderr.close()
        return 1


if __name__ == "__main__":
    sys.exit(main())
