"""The pytest plugin: runs each exercise program once per (target, start method), hands the trace
to the suite's checks, skips a check whose premise failed, and turns pytest's reports into the
results model. It is the only place that knows about pytest's reports.

A suite gives its main run with `run_spec(program, start_method)`. A suite that needs to see a
behaviour the main run cannot show (a missing folder, an empty one) also defines
`extra_runs(program, start_method) -> {name: RunSpec}`; its checks get them with the `runs`
fixture. A value may instead be a function of the main Run that returns a RunSpec (or None): a run
that follows on from what the main run did, started once the main run is over. Extra runs are
made once per target, under the first start method graded, and count for every method's checks
(they show what the program does with files, not how its children start); the report says so
with the suite's EXTRA_RUNS_TOLD.
"""

from __future__ import annotations

import dataclasses
import traceback
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Callable, Optional, Union

import pytest

from .checks import CheckFailed, check_id
from .common_checks import start_hint, with_cut, with_unobserved
from .exercises import exercise_of_module
from .i18n import _
from .machine import usable_cpus
from .results import CheckResult, ExerciseResult, Report, Status, exercise_state
from .runner import START_METHODS, Run, RunSpec, compile_error, run_program
from .timeline import Timeline, from_trace
from .trace import StartError, Trace

ExtraRun = Union[RunSpec, Callable[[Run], Optional[RunSpec]]]

# Graded programs wait more than they compute (scaled sleeps, start-up, the budgets of hangs): twice
# as many runs as cores keeps the cores busy (2 cores: all seven solutions 2.4 s instead of 3.0 s;
# a class of 20, 50 s instead of 93 s). The CPUs the process may use, not the host's: a container
# with half a CPU (Gradescope's default) sees all of its host's cores.
JOBS = 2 * usable_cpus()
# The check of every suite that carries the one message of a program that did not start (the
# others are skipped with it): a program Python cannot start is a program that crashed.
START_CHECK = "no_process_crashed"


@dataclass(frozen=True)
class Subject:
    """One thing graded: a folder of exercise programs, under one start method."""

    target: Path
    start_method: str

    def id(self, many_targets: bool) -> str:
        return "%s-%s" % (self.target.name, self.start_method) if many_targets else self.start_method


@dataclass
class GradingConfig:
    targets: list[Path]
    start_methods: list[str]
    jobs: int = JOBS
    sandbox: str = "none"
    notes: bool = True   # a suite's notes for the learner (timed, so they differ from run to run)


@dataclass
class _Collected:
    results: dict[tuple[Path, str], list[CheckResult]] = field(default_factory=dict)
    did_something: dict[tuple[Path, str], bool] = field(default_factory=dict)
    notes: dict[tuple[Path, str], list[str]] = field(default_factory=dict)
    # by (target, exercise, start method): why the program did not start; its stderr, condensed
    start_errors: dict[tuple[Path, str, str], StartError] = field(default_factory=dict)
    stderr: dict[tuple[Path, str, str], tuple[str, ...]] = field(default_factory=dict)
    # by (target, exercise, start method): the grader's own traceback when a run of it broke
    grader_errors: dict[tuple[Path, str, str], str] = field(default_factory=dict)
    timelines: dict[tuple[Path, str, str], Timeline] = field(default_factory=dict)


class GraderPlugin:
    def __init__(self, config: GradingConfig) -> None:
        self.config = config
        self.collected = _Collected()
        self._runs: dict[tuple[str, Subject], Future] = {}
        self._extra_runs: dict[tuple[str, Subject], dict[str, Future]] = {}
        self._modules: dict[str, ModuleType] = {}
        self._pool: Optional[ThreadPoolExecutor] = None
        self._compile_errors: dict[Path, Optional[StartError]] = {}
        self._extra_runs_noted = False

    # --- runs, started as soon as we know which are needed ----------------------------------
    @pytest.hookimpl
    def pytest_generate_tests(self, metafunc: pytest.Metafunc) -> None:
        if "subject" in metafunc.fixturenames:
            many = len(self.config.targets) > 1
            subjects = [Subject(t, m) for t in self.config.targets for m in self.config.start_methods]
            metafunc.parametrize("subject", subjects, ids=[s.id(many) for s in subjects], scope="module")

    @pytest.hookimpl
    def pytest_collection_finish(self, session: pytest.Session) -> None:
        self._pool = ThreadPoolExecutor(max_workers=max(1, self.config.jobs))
        for item in session.items:
            subject = getattr(item, "callspec", None) and item.callspec.params.get("subject")
            if subject is not None:
                self.run_for(item.module, subject)

    def run_for(self, module: ModuleType, subject: Subject) -> Future:
        key = (module.__name__, subject)
        if key not in self._runs:
            self._modules[module.__name__] = module
            assert self._pool is not None
            if self._did_not_compile(module, subject) is not None:
                self._runs[key], self._extra_runs[key] = _done(None), {}   # nothing to run
                return self._runs[key]
            main = self._runs[key] = self._pool.submit(self._run, module, subject)
            first = dataclasses.replace(subject, start_method=self.config.start_methods[0])
            # a suite's extra runs look at what the program does with files, not at how its
            # children start: made once, under the first start method, for every method's checks
            self._extra_runs[key] = (self._submit_extra_runs(module, subject, main) if first == subject
                                     else self.extra_runs_for(module, first))
        return self._runs[key]

    def _did_not_compile(self, module: ModuleType, subject: Subject) -> Optional[StartError]:
        """Python's verdict on the program's source, found once per file without running it."""
        exercise = exercise_of_module(module)
        program = subject.target / exercise.file
        if program not in self._compile_errors:
            self._compile_errors[program] = compile_error(program) if program.is_file() else None
            error = self._compile_errors[program]
            if error is not None:
                for method in self.config.start_methods:
                    self.collected.start_errors[(subject.target, exercise.id, method)] = error
        return self._compile_errors[program]

    def extra_runs_for(self, module: ModuleType, subject: Subject) -> dict[str, Future]:
        self.run_for(module, subject)
        return self._extra_runs[(module.__name__, subject)]

    def _submit_extra_runs(self, module: ModuleType, subject: Subject, main: Future) -> dict[str, Future]:
        program = subject.target / exercise_of_module(module).file
        extra_runs = getattr(module, "extra_runs", None)
        if extra_runs is None or not program.is_file():
            return {}
        assert self._pool is not None
        futures = {}
        for name, how in extra_runs(program, subject.start_method).items():
            futures[name] = (self._pool.submit(run_program, how) if isinstance(how, RunSpec)
                             else self._follow_up(main, how))
        return futures

    @staticmethod
    def _follow_up(main: Future, make_spec: Callable[[Run], Optional[RunSpec]]) -> Future:
        """A run whose spec depends on the main run. It runs as soon as the main run is over, in
        the same worker thread (a done-callback runs there): queued behind every other run of a
        big grading job instead, the checks waiting for it would time out."""
        result: Future = Future()

        def start(done: Future) -> None:
            try:
                spec = make_spec(done.result()) if done.result() is not None else None
                result.set_result(run_program(spec) if spec is not None else None)
            except BaseException as error:  # noqa: BLE001 - handed to whoever waits for it
                result.set_exception(error)

        main.add_done_callback(start)
        return result

    def _run(self, module: ModuleType, subject: Subject) -> Optional[Run]:
        exercise = exercise_of_module(module)
        program = subject.target / exercise.file
        if not program.is_file():
            return None
        spec = dataclasses.replace(module.run_spec(program, subject.start_method), sandbox=self.config.sandbox)
        # a suite may tell the learner something beyond its checks: `measure` (a RunSpec.measure
        # hook) and `notes(run) -> [str]`
        wants_notes = self.config.notes and hasattr(module, "notes")
        if wants_notes and hasattr(module, "measure"):
            spec = dataclasses.replace(spec, measure=module.measure)
        key = (subject.target, exercise.id)
        try:
            run = run_program(spec)
        except Exception:
            # the grader broke (its supervisor could not start the program, say): the checks of
            # this run error out, and the learner is told that it was the grader, with what to report
            self.collected.grader_errors[key + (subject.start_method,)] = traceback.format_exc()
            raise
        did = run.trace.did_anything
        start_error = run.trace.start_error()
        if start_error is not None:
            self.collected.start_errors[key + (subject.start_method,)] = start_error
        self.collected.stderr[key + (subject.start_method,)] = run.trace.stderr_tail()
        self.collected.timelines[key + (subject.start_method,)] = from_trace(run.trace)
        self.collected.did_something[key] = self.collected.did_something.get(key, False) or did
        if wants_notes:
            self._add_notes(key, subject, module.notes(run))
        return run

    def _add_notes(self, key: tuple[Path, str], subject: Subject, notes: list[str]) -> None:
        many = len(self.config.start_methods) > 1
        self.collected.notes.setdefault(key, []).extend(
            ("%s: %s" % (subject.start_method, note) if many else note) for note in notes)

    def _take_extra_run_notes(self) -> None:
        """A suite's `extra_notes(runs) -> [str]`, on its extra runs by name (None for one that did
        not run or failed), once they are all over: at the report, once, in the suites' order."""
        for (module_name, subject), futures in sorted(self._extra_runs.items(), key=lambda item: item[0][0]):
            module = self._modules[module_name]
            if not (self.config.notes and futures) or subject.start_method != self.config.start_methods[0]:
                continue   # the other methods' checks used these same runs
            key = (subject.target, exercise_of_module(module).id)
            if len(self.config.start_methods) > 1 and self.collected.did_something.get(key):
                self._add_notes(key, subject, [_("the extra runs ({names}) were made once, under this start method, "
                                                 "and their checks count for every start method").format(
                    names=_(getattr(module, "EXTRA_RUNS_TOLD", "")) or ", ".join(futures))])
            if not hasattr(module, "extra_notes"):
                continue
            runs = {name: future.result() if future.done() and not future.cancelled()
                    and future.exception() is None else None for name, future in futures.items()}
            self._add_notes(key, subject, module.extra_notes(runs))
        self._extra_runs_noted = True

    @pytest.hookimpl
    def pytest_sessionfinish(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)

    # --- checks that build on others --------------------------------------------------------
    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        marker = item.get_closest_marker("check")
        subject = _subject(item)
        if marker is None or subject is None:
            return
        exercise = exercise_of_module(item.module).id
        self.run_for(item.module, subject).result()
        did_not_start = self.collected.start_errors.get((subject.target, exercise, subject.start_method))
        if did_not_start is not None:
            if check_id(item.originalname) == START_CHECK:
                raise CheckFailed(expected=_("the program starts: Python reads and compiles the file, and main "
                                             "runs without an uncaught exception"),
                                  observed=did_not_start.sentence(), hint=start_hint(did_not_start))
            pytest.skip(did_not_start.sentence())
        done = {r.check: r for r in self.collected.results.get((subject.target, exercise), [])
                if r.start_method == subject.start_method}
        for need in marker.kwargs.get("needs", ()):
            premise = done.get(need)
            if premise is None or premise.status is not Status.PASSED:
                title = premise.title if premise else need   # premise.title is already translated
                pytest.skip(_("needs “{title}”, which did not pass").format(title=title))

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo):
        if call.excinfo is not None and isinstance(call.excinfo.value, CheckFailed):
            # The check's title and message take the place of pytest's traceback below, and that
            # traceback cost more than the check: pytest parses the whole source of every frame to
            # show its statement (40-160 ms of CPU per failed check, which a class pays thousands
            # of times). With no frames it formats only the exception's own line.
            call.excinfo.traceback = call.excinfo.traceback[:0]
        outcome = yield
        report = outcome.get_result()
        marker = item.get_closest_marker("check")
        subject = _subject(item)
        if marker is None or subject is None:
            return
        if call.when == "call" or (call.when == "setup" and report.outcome != "passed"):
            result = _result(item, marker, subject, call, report)
            trace = self._trace(item.module, subject)
            if trace is not None and result.status is Status.FAILED:
                # what it looked for may lie in the part the grader never read, or in a process
                # it could not see: say so
                observed, hint = with_cut(trace.output_cut(), result.observed, result.hint)
                observed, hint = with_unobserved(trace, observed, hint)
                result = dataclasses.replace(result, observed=observed, hint=hint)
            key = (subject.target, result.exercise)
            self.collected.results.setdefault(key, []).append(result)
            if isinstance(call.excinfo and call.excinfo.value, CheckFailed):
                report.longrepr = "%s\n%s" % (result.title, result.message)

    def _trace(self, module: ModuleType, subject: Subject) -> Optional[Trace]:
        future = self._runs.get((module.__name__, subject))
        run = future.result() if future is not None and future.done() and not future.exception() else None
        return run.trace if run is not None else None

    # --- the model ----------------------------------------------------------------------------
    def reports(self) -> list[Report]:
        if not self._extra_runs_noted:
            self._take_extra_run_notes()
        exercises = sorted({exercise_of_module(m) for m in self._modules.values()}, key=lambda e: e.id)
        reports = []
        for target in self.config.targets:
            results = []
            for exercise in exercises:
                checks = tuple(self.collected.results.get((target, exercise.id), []))
                # what went wrong at the start, and the stderr, of the first start method that has any
                runs = [(target, exercise.id, method) for method in self.config.start_methods]
                error = next((self.collected.start_errors[k] for k in runs if k in self.collected.start_errors), None)
                stderr_from = next((k for k in runs if self.collected.stderr.get(k)), None)
                broke = next((k for k in runs if k in self.collected.grader_errors), None)
                state = exercise_state(checks, (target / exercise.file).is_file(),
                                       self.collected.did_something.get((target, exercise.id), False),
                                       started=error is None)
                results.append(ExerciseResult(
                    exercise.id, _(exercise.title), exercise.file, state, checks,
                    tuple(self.collected.notes.get((target, exercise.id), ())),
                    error=error.sentence() if error else "", error_excerpt=error.excerpt() if error else (),
                    stderr_tail=self.collected.stderr[stderr_from] if stderr_from else (),
                    stderr_from=stderr_from[2] if stderr_from else "",
                    grader_error="%s: %s" % (broke[2], self.collected.grader_errors[broke]) if broke else "",
                    timeline=next((self.collected.timelines[k] for k in runs if k in self.collected.timelines), None)))
            reports.append(Report(str(target), tuple(self.config.start_methods), tuple(results)))
        return reports


def _done(value: object) -> Future:
    future: Future = Future()
    future.set_result(value)
    return future


def _subject(item: pytest.Item) -> Optional[Subject]:
    callspec = getattr(item, "callspec", None)
    return callspec.params.get("subject") if callspec else None


def _result(item, marker, subject: Subject, call: pytest.CallInfo, report) -> CheckResult:
    exercise = exercise_of_module(item.module).id
    points = int(marker.kwargs.get("points", 1))
    base = dict(exercise=exercise, check=check_id(item.originalname), title=_(marker.kwargs["title"]),
                max_points=points, start_method=subject.start_method,
                about_time=bool(marker.kwargs.get("about_time")))
    if report.passed:
        return CheckResult(status=Status.PASSED, points=points, **base)
    if report.skipped:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        reason = reason.replace("Skipped: ", "", 1)
        return CheckResult(status=Status.SKIPPED, points=0, observed=reason, **base)
    error = call.excinfo.value if call.excinfo else None
    if isinstance(error, CheckFailed):
        return CheckResult(status=Status.FAILED, points=0, expected=error.expected,
                           observed=error.observed, hint=error.hint, **base)
    text = call.excinfo.exconly() if call.excinfo else str(report.longrepr)
    return CheckResult(status=Status.ERROR, points=0,
                       observed=_("the grader itself failed here ({error}); please report it").format(error=text[-500:]),
                       **base)


# --- fixtures the suites use -------------------------------------------------------------------

@pytest.fixture(scope="module")
def run(request: pytest.FixtureRequest, subject: Subject) -> Run:
    result = grader_plugin(request.config).run_for(request.module, subject).result()
    if result is None:
        exercise = exercise_of_module(request.module)
        raise CheckFailed(expected=_("the file {file} in {folder}").format(file=exercise.file, folder=subject.target),
                          observed=_("there is no such file"),
                          hint=_("keep the exercise's file name as it is: {file}").format(file=exercise.file))
    return result


@pytest.fixture(scope="module")
def trace(run: Run):
    return run.trace


@pytest.fixture(scope="module")
def runs(request: pytest.FixtureRequest, subject: Subject, run: Run) -> dict[str, Optional[Run]]:
    """The suite's extra runs by name; None for a follow-up run whose premise the main run did
    not give (it built no copy to run again into, say)."""
    futures = grader_plugin(request.config).extra_runs_for(request.module, subject)
    return {name: future.result() for name, future in futures.items()}


# --- standalone use: `pytest grader/suites -p grader.plugin --target solutions` -------------------

def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("procgrade")
    group.addoption("--target", action="append", default=None, help="folder of exercise programs")
    group.addoption("--start-method", action="append", default=None, choices=START_METHODS)
    group.addoption("--jobs", type=int, default=None)


def grader_plugin(config: pytest.Config) -> GraderPlugin:
    return next(p for p in config.pluginmanager.get_plugins() if isinstance(p, GraderPlugin))


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "check(title, points, needs): a graded check")
    if not any(isinstance(p, GraderPlugin) for p in config.pluginmanager.get_plugins()):
        targets = [Path(t).resolve() for t in (config.getoption("--target") or ["exercises"])]
        methods = config.getoption("--start-method") or ["spawn"]
        grading = GradingConfig(targets, methods)
        if config.getoption("--jobs"):
            grading.jobs = config.getoption("--jobs")
        config.pluginmanager.register(GraderPlugin(grading), "procgrade")
