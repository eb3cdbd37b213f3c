"""The timeline of the processes: drawn from the trace (terminal and HTML), shown with --timeline
and under a failing check about time, in ASCII where the console cannot show blocks, and opened in
a real browser (headless Chromium) where one is installed."""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import subprocess
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import pytest

from grader.console import display_width
from grader.page import page
from grader.report import render as render_report
from grader.results import CheckResult, ExerciseResult, Report, State, Status
from grader.runner import Run, run_program
from grader.states import BUSY, IDLE, READY, RUNNING, WAITING, StateSampler, classify, kept_waiting, spans
from grader.suites import test_ex06_pool as ex06
from grader.timeline import ASCII, Timeline, can_draw, from_trace, legend_items, render
from grader.trace import MAIN, MANAGER, POOL_WORKER, PROCESS, Trace

KIT = Path(__file__).resolve().parent.parent
APPLY = KIT / "tests" / "programs" / "ex06" / "bad_apply.py"
SHOWN = (MAIN, PROCESS, POOL_WORKER, MANAGER)


@pytest.fixture(scope="module")
def correct_ex06() -> Run:
    return run_program(ex06.run_spec(KIT / "solutions" / "ex06_pool.py", "spawn"))


@pytest.fixture(scope="module")
def apply_ex06() -> Run:
    return run_program(ex06.run_spec(APPLY, "spawn"))


def shown_procs(trace: Trace) -> list:
    return [p for p in trace.procs if p.kind in SHOWN]


def part_a_tasks(timeline: Timeline) -> list[tuple[float, float]]:
    return [(t.start, t.end) for row in timeline.rows for t in row.tasks if t.label.startswith("worker(")]


# --- the terminal ---------------------------------------------------------------------------------

def rows_of(lines: list[str]) -> dict[int, str]:
    """pid -> its row's name line, as the terminal picture shows them."""
    return {int(m.group(1)): line for line in lines for m in [re.search(r"\(pid (\d+)\)", line)] if m}


def drawn(run: Run) -> tuple[Trace, Timeline, list[str]]:
    """The run's trace, its timeline and the terminal picture, which has a row for each process."""
    timeline = from_trace(run.trace)
    lines = render(timeline)
    print("\n".join(lines))
    assert set(rows_of(lines)) == {p.pid for p in shown_procs(run.trace)}
    return run.trace, timeline, lines


def test_correct_ex06_has_a_row_per_process_and_its_tasks_overlap(correct_ex06):
    trace, timeline, lines = drawn(correct_ex06)
    assert rows_of(lines)[trace.main_pid].strip() == trace.describe(trace.main_pid)
    workers = [r for r in timeline.rows if r.kind == POOL_WORKER and any(t.label.startswith("worker(") for t in r.tasks)]
    assert 2 <= len(workers) <= 3
    assert sorted(t.label for r in workers for t in r.tasks) == sorted("worker(%d)" % i for i in range(10))
    assert Trace.max_overlap(part_a_tasks(timeline)) >= 2
    assert all(display_width(line) <= 80 for line in lines)
    # main's lines are its marks, in order, at the times they were printed
    main = timeline.row(trace.main_pid)
    assert [m.text for m in main.marks] == [line.text for line in trace.lines if line.pid == trace.main_pid]
    if timeline.states == "schedstat":   # Linux: the tutorial's three states
        assert {s.state for r in timeline.rows for s in r.states} <= {RUNNING, READY, WAITING}
        assert any(s.state == WAITING for s in main.states)   # it waits in join() for the pool
        assert any(w.label == "join()" for w in main.waits)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="compares with the Linux backend's schedstat")
def test_where_only_cpu_times_are_known_rows_show_using_a_cpu_or_not(correct_ex06):
    """The portable backend (macOS, Windows) has CPU times only: the sampler degrades to busy/idle
    there, and the same program's Linux run has the tutorial's three states."""
    portable = run_program(dataclasses.replace(ex06.run_spec(KIT / "solutions" / "ex06_pool.py", "spawn"),
                                               backend="portable"))
    _, timeline, lines = drawn(portable)
    assert timeline.states == "cpu" and {s.state for r in timeline.rows for s in r.states} <= {BUSY, IDLE}
    assert any(s.state == IDLE for s in timeline.row(portable.trace.main_pid).states)   # main waits for the pool
    assert from_trace(correct_ex06.trace).states == "schedstat"


def test_the_legend_names_only_what_the_picture_has(correct_ex06):
    timeline = from_trace(correct_ex06.trace)
    assert {"task", "wait", "mark"} <= {key for key, _ in legend_items(timeline)}
    without_tasks = dataclasses.replace(timeline, rows=tuple(dataclasses.replace(r, tasks=()) for r in timeline.rows))
    assert "task" not in {key for key, _ in legend_items(without_tasks)}   # ex05's picture has no pool


def test_ex06_with_apply_runs_one_task_at_a_time(apply_ex06):
    _, timeline, _ = drawn(apply_ex06)
    assert len(part_a_tasks(timeline)) == 10
    assert Trace.max_overlap(part_a_tasks(timeline)) == 1


def test_ascii_fallback_draws_the_same_picture_in_ascii(correct_ex06):
    timeline = from_trace(correct_ex06.trace)
    unicode_lines, ascii_lines = render(timeline), render(timeline, ascii_only=True)
    assert len(unicode_lines) == len(ascii_lines)
    for line in ascii_lines:
        line.encode("ascii")   # names here are ASCII: the solution names no process in Chinese
    assert any(ASCII[RUNNING] in line or ASCII[WAITING] in line for line in ascii_lines)
    assert can_draw("utf-8") and not can_draw("cp1252") and not can_draw("ascii")


def test_a_failing_check_about_time_shows_the_timeline_and_another_does_not(correct_ex06):
    timeline = from_trace(correct_ex06.trace)

    def report(about_time: bool) -> str:
        check = CheckResult("ex06", "tasks_overlap", "2 or 3 tasks run at the same time", Status.FAILED, 0, 1,
                            "spawn", "2 or 3", "1", about_time=about_time)
        exercise = ExerciseResult("ex06", "pool", "ex06_pool.py", State.FAILING, (check,), timeline=timeline)
        return render_report(Report("exercises", ("spawn",), (exercise,)), "exercises")

    marker = "(pid %d)" % correct_ex06.trace.main_pid
    assert marker in report(about_time=True)
    assert marker not in report(about_time=False)


def grader(target: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "grader", "check", "ex06", "--target", str(target), "--lang", "en",
                           *args], cwd=KIT, capture_output=True, text=True, timeout=120,
                          env=dict(os.environ, **(env or {})))


def test_apply_fails_the_overlap_check_with_the_timeline_under_it_in_ascii(tmp_path):
    shutil.copy(APPLY, tmp_path / "ex06_pool.py")
    done = grader(tmp_path, env={"PYTHONIOENCODING": "ascii"})
    assert done.returncode == 1, done.stderr
    failure = done.stdout.index("2 or 3 tasks run at the same time")
    picture = done.stdout.index("the processes over time", failure)
    assert "(pid " in done.stdout[picture:]
    assert "|" + ASCII[WAITING] in done.stdout[picture:] or "|" + ASCII[READY] in done.stdout[picture:] or \
        "|  " in done.stdout[picture:]


# --- --timeline and --html --------------------------------------------------------------------------

class Rows(HTMLParser):
    """Each SVG row's pid and name, and every address the page would fetch."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[int, str] = {}
        self.fetches: list[str] = []
        self._row: int | None = None
        self._label = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "g" and attrs.get("class") == "row":
            self._row = int(attrs["data-pid"])
        self._label = tag == "text" and attrs.get("class") == "label"
        for name in ("src", "href", "xlink:href", "action"):
            if attrs.get(name):
                self.fetches.append(attrs[name])

    def handle_data(self, data):
        if self._label and self._row is not None:
            self.rows[self._row] = data
            self._label = False


def test_the_page_has_a_row_for_every_process_and_fetches_nothing(correct_ex06, tmp_path):
    trace = correct_ex06.trace
    exercise = ExerciseResult("ex06", "pool", "ex06_pool.py", State.DONE, timeline=from_trace(trace))
    html = page([Report("exercises", ("spawn",), (exercise,))], ["exercises"])
    parsed = Rows()
    parsed.feed(html)
    assert parsed.rows == {p.pid: trace.describe(p.pid) for p in shown_procs(trace)}
    assert parsed.fetches == []
    assert not re.search(r"https?://|url\((?!#)|@import", html)
    # every line a process printed is a mark with its text and time on hover
    for line in trace.out():
        assert "%.3f s · %s: %s" % (line.t, trace.describe(line.pid), line.text) in html.replace("&#x27;", "'")


@pytest.fixture(scope="module")
def page_from_the_command_line(tmp_path_factory) -> tuple[subprocess.CompletedProcess, Path]:
    folder = tmp_path_factory.mktemp("ex06")
    shutil.copy(KIT / "solutions" / "ex06_pool.py", folder / "ex06_pool.py")
    html = folder / "report.html"
    return grader(folder, "--timeline", "--html", str(html)), html


def test_timeline_flag_shows_a_done_exercise_and_html_writes_the_same_rows(page_from_the_command_line):
    done, html = page_from_the_command_line
    assert done.returncode == 0, done.stdout + done.stderr
    assert "the processes over time" in done.stdout
    shown = rows_of(done.stdout.splitlines())
    parsed = Rows()
    parsed.feed(html.read_text(encoding="utf-8"))
    assert set(parsed.rows) == set(shown) and len(shown) >= 5   # main, 3 workers, the manager, part B's workers
    picture = done.stdout[done.stdout.index("the processes"):].split("\n\n")[0].splitlines()
    assert len(picture) > 3 * len(shown) and all(display_width(line) <= 80 for line in picture)


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="no chromium here (Debian: apt-get install chromium)")
def test_the_page_in_headless_chromium(page_from_the_command_line):
    done, html = page_from_the_command_line
    parsed = Rows()
    parsed.feed(html.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as profile:
        flags = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--user-data-dir=" + profile]
        shot = html.with_suffix(".png")
        subprocess.run(flags + ["--window-size=1040,900", "--screenshot=" + str(shot), html.as_uri()],
                       capture_output=True, timeout=120)
        dom = subprocess.run(flags + ["--dump-dom", html.as_uri()], capture_output=True, text=True, timeout=120).stdout
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000
    in_browser = Rows()
    in_browser.feed(dom)
    assert in_browser.rows == parsed.rows and parsed.rows
    for pid, label in parsed.rows.items():
        assert "data-pid=\"%d\"" % pid in dom and "(pid %d)" % pid in label


# --- the states sampler -----------------------------------------------------------------------------

def test_states_from_schedstat_counters():
    assert classify(0.02, 15_000_000, 1_000_000) == RUNNING
    assert classify(0.02, 2_000_000, 14_000_000) == READY
    assert classify(0.02, 1_000_000, 1_000_000) == WAITING
    # where only CPU times are known (psutil's cpu_times): using a CPU or not
    assert classify(0.02, 15_000_000, None) == BUSY and classify(0.02, 1_000_000, None) == IDLE
    # the tree's threads as a backend gives them ({(pid, tid): (ns on a CPU, ns in a run queue)})
    counters = iter([(0, 0), (27_000_000, 0), (54_000_000, 0), (55_000_000, 25_000_000), (55_000_000, 25_000_000)])
    sampler = StateSampler(started=100.0, name=lambda pid: pid + 1000)
    sampler.cpus = 2
    for n in range(5):
        sampler.sample(lambda: {(1, "1"): next(counters)}, now=100.0 + 0.03 * n)
    assert [(s.pid, s.state) for s in spans(sampler.report())] == [(1001, RUNNING), (1001, READY), (1001, WAITING)]
    first = spans(sampler.report())[0]
    assert (first.start, first.end) == (0.0, 0.06)
    assert spans([["x"], None, [1, 0, 1, "dancing"]]) == ()
    # the 25 ms it spent in a run queue while using 1 ms of a CPU: the machine kept it waiting
    assert abs(sampler.waited - 0.025) < 1e-9


def test_kept_waiting_counts_only_cpus_others_held():
    # one process ready for 25 ms of a 30 ms window, having used 1 ms of one of 2 CPUs
    assert abs(kept_waiting(0.03, 25_000_000, 1_000_000, 2) - 0.025) < 1e-9
    # the program's own processes held both CPUs all along: its waits are its own
    assert kept_waiting(0.03, 25_000_000, 60_000_000, 2) == 0.0
    # one CPU of two busy with its own work: at most the other half is others' time
    assert abs(kept_waiting(0.03, 25_000_000, 30_000_000, 2) - 0.015) < 1e-9
    # never more than the window, never less than nothing
    assert kept_waiting(0.03, 90_000_000, 0, 2) == 0.03 and kept_waiting(0.03, 0, 0, 2) == 0.0


def test_without_run_queues_the_machines_idle_time_bounds_the_wait():
    """The portable backend knows no thread's wait for a CPU (psutil): at load 36 a correct ex07
    under it was stopped as "still running after 4.0 s" at 100 %, and as stalled in CI, on the
    clock. A CPU left idle means nobody was kept waiting; with none idle, the time the program
    did not use the CPUs counts as kept waiting, as far as STRETCH lets it."""
    def waited(idle_per_look, cpu_per_look, looks=5):
        sampler = StateSampler(started=0.0)
        sampler.cpus = 2
        idle = iter([n * idle_per_look for n in range(looks)])
        cpu = iter([n * cpu_per_look for n in range(looks)])
        for n in range(looks):
            ns = next(cpu)
            sampler.sample(lambda: {(1, "1"): (ns, None)}, now=0.04 * n, idle=lambda: next(idle))
        return sampler.waited

    # a CPU idle all along (40 ms of idle per 40 ms look on 2 CPUs): not kept waiting at all
    assert waited(40_000_000, 0) == 0.0
    # no CPU idle, the program asleep: the four windows of 40 ms after the first look count as kept waiting
    assert abs(waited(0, 0) - 0.16) < 1e-9
    # no CPU idle, but the program held both CPUs itself: its own time
    assert waited(0, 80_000_000) < 1e-9
    # half the machine idle over a window: all of it was never busy at once
    assert waited(40_000_000, 1_000_000) == 0.0
    # a system that does not say its idle time: nothing estimated
    sampler = StateSampler(started=0.0)
    for n in range(5):
        sampler.sample(lambda: {(1, "1"): (0, None)}, now=0.04 * n, idle=lambda: None)
    assert sampler.waited == 0.0


def test_a_wait_for_the_supervisor_is_not_the_programs_time(tmp_path):
    """A thread blocked on the instrumentation's channel (the supervisor behind on a busy machine)
    waits for the grader: at load 50-90, ex06's bad_prints_while_waiting (30,000 lines in a row)
    ran out of its 10 s budget in 59 gradings of 100, main blocked in print(). The budget's clock
    does not count such waits (the longest of any thread, per reading, at most the time between
    two readings)."""
    from grader.supervisor import ProgramClock

    def waits(ns):
        (tmp_path / "41-41.sendwait").write_bytes(b"%020d %020d\n" % (ns, 0))

    clock = ProgramClock(0.0, StateSampler(started=0.0), budget=10.0, stacks_dir=str(tmp_path))
    waits(0)
    clock.held_by_the_grader(now=0.2)
    assert clock.seconds(now=0.2) == 0.2
    waits(500_000_000)                       # blocked 0.5 s of the next 0.6 s
    clock.held_by_the_grader(now=0.8)
    assert abs(clock.seconds(now=0.8) - 0.3) < 1e-9
    clock.held_by_the_grader(now=0.85)       # read at most every SENDS_EVERY: nothing new yet
    waits(5_000_000_000)                     # a wait that grew more than the time between readings
    clock.held_by_the_grader(now=1.0)
    assert abs(clock.held - 0.7) < 1e-9
    # a program that waits on nothing of the grader's: its time is the clock's
    quiet = ProgramClock(0.0, StateSampler(started=0.0), budget=10.0, stacks_dir=str(tmp_path / "none"))
    quiet.held_by_the_grader(now=1.0)
    assert quiet.seconds(now=1.0) == 1.0


def test_ex01_waits_for_the_second_loop_in_the_programs_own_time():
    """ex01 stops a never-ending program once both loops repeat, or 20 of its seconds (1 s real at
    its warp) after its first line when the second loop is still not there. The flake study of
    8bafc35 saw `bad_child_no_sleep` (a child printing with no pause) lose main's loop that way
    once at load 9: main, kept waiting for a CPU, had printed 2 lines when the run was stopped.
    The window now counts the program's own time: the same lines, and the supervisor's word that
    the machine kept the program waiting 0.9 s of those 1.2, do not stop it yet."""
    from grader.suites.test_ex01_two_loops import WARP, enough_seen
    from grader.trace import Outcome, build_trace

    records = [{"pid": 1, "t": 0.0, "ev": "exec", "ppid": 0, "argv": ["python"]},
               {"pid": 2, "t": 0.05, "ev": "fork", "ppid": 1}]
    records += [{"pid": 1, "t": t, "ev": "line", "s": "o", "x": "----1----", "end": "\n"} for t in (0.1, 0.9)]
    records += [{"pid": 2, "t": 0.1 + n * 0.001, "ev": "line", "s": "o", "x": "----2----", "end": "\n"}
                for n in range(1000)]

    def partial(waits):
        return build_trace(records, 1, 0.0, Outcome("running", None, 1.2, 8.0, waits=waits), WARP)

    assert enough_seen(partial(()))   # on the clock: 22 of its seconds, the run was stopped
    assert not enough_seen(partial(((0.1, 0.0), (0.6, 0.4), (1.2, 0.9))))
    # both loops seen: the run is watched WATCH_AT_LEAST of the program's seconds, long enough
    # for a spinner to be seen spinning (d3d3f17 counted it on the clock: one spinner passed)
    both = records + [{"pid": 1, "t": t, "ev": "line", "s": "o", "x": "----1----", "end": "\n"}
                      for t in (0.2, 0.3, 0.4, 0.5)]
    seen = lambda duration, waits: enough_seen(build_trace(both, 1, 0.0, Outcome("running", None, duration, 8.0,
                                                                                   waits=waits), WARP))
    assert seen(1.0, ()) and not seen(1.0, ((0.1, 0.0), (1.0, 0.5))) and seen(1.5, ((0.1, 0.0), (1.5, 0.5)))
    # however long the machine keeps it waiting, a window lasts at most STRETCH times its length
    assert enough_seen(build_trace(records, 1, 0.0, Outcome("running", None, 3.2, 8.0, waits=((3.2, 3.1),)), WARP))
