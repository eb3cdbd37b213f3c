"""Exercise 1: two endless loops, `----1----` and `----2----`, run at the same time in two processes.

The program never ends by itself: the grader watches until each loop has printed a few lines (or
enough has been seen to judge), then kills the whole tree.
"""

from __future__ import annotations

import statistics
from pathlib import Path
from typing import Optional

from grader import common_checks
from grader.checks import check, fail, quote
from grader.i18n import N_, _, ngettext
from grader.runner import RunSpec
from grader.trace import MAIN, PROCESS, Line, Trace

TITLE = N_("two loops")
LINES_PER_LOOP = 5      # seen from each loop before the run is stopped
WATCH_AT_MOST = 20.0    # seconds of the program's own (warped) time after its first line
WARP = 0.05             # sleep(1) lasts 50 ms
# Seconds after the first line, of the program's own time: 16 rounds of each loop, so that the
# pacing's median gap and the overlap hold on a busy machine. At 0.3 s (6 rounds, 42d64c3) a
# correct program's child "came every 2.242 s" by the median of its few gaps (1 grading in 600,
# spawn, load 14-19).
WATCH_AT_LEAST = 0.8


def enough_seen(trace: Trace) -> bool:
    """Two loops seen for WATCH_AT_LEAST, or 20 of the program's seconds since its first line and
    still not: the second loop is not coming. Counted from the first line, not from the start,
    and in the program's own time (less what the machine kept it waiting for a CPU), so that a
    busy machine cuts a correct program's watch no shorter than an idle one does (counted on the
    clock, it let bad_spin_instead_of_sleep pass once in 100 gradings at load 7-17)."""
    out = trace.out()
    if not out:
        return False
    watched = trace.program_seconds(out[0].t, trace.outcome.duration)
    if len(trace.repeated_texts(LINES_PER_LOOP)) >= 2 and watched >= WATCH_AT_LEAST:
        return True
    return trace.virtual(watched) >= WATCH_AT_MOST


def run_spec(program: Path, start_method: str) -> RunSpec:
    return RunSpec(program, start_method=start_method, warp=WARP, budget=8.0, stop_when=enough_seen)


def the_loops(trace: Trace) -> list[tuple[str, list[Line]]]:
    """The two most repeated lines (the loops' markers) with their lines, most repeated first."""
    texts = [text for text, _ in trace.repeated_texts(3)][:2]
    return [(text, [l for l in trace.out() if l.text.strip() == text]) for text in texts]


def single_printer(lines: list[Line]) -> Optional[int]:
    pids = {line.pid for line in lines}
    return pids.pop() if len(pids) == 1 else None


@check(N_("no process crashes"))
def test_no_process_crashed(trace):
    common_checks.no_crash(trace)


@check(N_("two different lines each repeat, one per loop"))
def test_two_loops_print(trace):
    loops = the_loops(trace)
    if len(loops) >= 2:
        return
    if not loops:
        fail(expected=_("two lines, like `----1----` and `----2----`, each printed again and again"),
             observed=ngettext("no line was printed 3 times ({count} line in all)",
                               "no line was printed 3 times ({count} lines in all)", len(trace.out())).format(
                                   count=len(trace.out())),
             hint=_("each loop is `while True:` with a print and time.sleep(1) inside"))
    text, lines = loops[0]
    printers = {l.pid for l in lines}
    values = dict(line=quote(text), count=len(lines), who=common_checks.listed(trace.describe(p) for p in printers))
    if not trace.children_of(trace.main_pid):
        observed = _("only {line} repeats ({count} times, from {who}), and main started no process").format(**values)
    else:
        observed = _("only {line} repeats ({count} times, from {who}), and no other line repeats").format(**values)
    hint = _("start the child with p.start() before main's own loop: main must reach its loop")
    if printers == {trace.main_pid} and not trace.children_of(trace.main_pid):
        hint = _("the child's loop ran inside main, so main never reached its own loop: "
                 "`Process(target=run_proc())` calls run_proc in main, and `p.run()` runs it in main. "
                 "Pass the function itself, `Process(target=run_proc)`, then call `p.start()`")
    crashes = trace.crashes()
    if crashes:
        hint = _("{who} crashed with {exception}: {hint}").format(
            who=trace.describe(crashes[0].pid), exception=quote(crashes[0].exception, 100),
            hint=common_checks.crash_hint(crashes[0]))
    fail(expected=_("two lines, like `----1----` and `----2----`, each printed again and again"),
         observed=observed, hint=hint)


@check(N_("each loop's line comes from one process"), needs=["two_loops_print"])
def test_each_loop_in_one_process(trace):
    for text, lines in the_loops(trace)[:2]:
        if single_printer(lines) is None:
            pids = sorted({l.pid for l in lines})
            fail(expected=_("all the {line} lines come from the one process that runs that loop").format(line=quote(text)),
                 observed=_("{line} was printed by {who}").format(
                     line=quote(text), who=common_checks.listed(trace.describe(p) for p in pids)),
                 hint=_("give each loop its own line: main's loop prints one marker, the child's the other"))


@check(N_("the two loops run in two different processes"), needs=["each_loop_in_one_process"])
def test_loops_in_two_processes(trace):
    (text_a, lines_a), (text_b, lines_b) = the_loops(trace)[:2]
    pid_a, pid_b = single_printer(lines_a), single_printer(lines_b)
    if pid_a != pid_b:
        return
    threads = {l.thread for l in lines_a} | {l.thread for l in lines_b}
    if len(threads) > 1:
        hint = _("they ran in threads ({threads}) of one process: threads share one process and its "
                 "memory; use multiprocessing.Process to get a second process").format(
                     threads=common_checks.listed(sorted(threads)))
    else:
        hint = _("run one loop in a child process: Process(target=run_proc), then p.start()")
    fail(expected=_("{first} and {second} printed by two different processes").format(
             first=quote(text_a), second=quote(text_b)),
         observed=_("both were printed by {who}").format(who=trace.describe(pid_a)), hint=hint)


@check(N_("the loops run in main and its child, or in two children of main"), needs=["loops_in_two_processes"])
def test_started_by_main(trace):
    for text, lines in the_loops(trace)[:2]:
        proc = trace.proc(single_printer(lines))
        if proc is None:
            continue
        if proc.kind == MAIN or (proc.kind == PROCESS and proc.parent == trace.main_pid):
            continue
        values = dict(line=quote(text), who=trace.describe(proc.pid), parent=trace.describe(proc.parent), kind=_(proc.kind))
        fail(expected=_("each loop runs in main or in a multiprocessing.Process that main started"),
             observed=(_("{line} came from {who}, a child started by {parent}") if proc.kind == PROCESS else
                       _("{line} came from {who}, a {kind} process")).format(**values),
             hint=_("start the looping processes from main with multiprocessing.Process "
                    "(os.fork() does not exist on Windows and is not this lesson's tool)"))


@check(N_("each loop prints about once a second"), needs=["each_loop_in_one_process"], about_time=True)
def test_loops_paced(trace):
    for text, lines in the_loops(trace)[:2]:
        gaps = [trace.virtual(b.t - a.t) for a, b in zip(lines, lines[1:])]
        typical = statistics.median(gaps)
        if not 0.5 <= typical <= 2.0:
            fail(expected=_("{line} about once a second").format(line=quote(text)),
                 observed=_("{line} came every {seconds} s (the median gap between its lines)").format(
                     line=quote(text), seconds="%.3f" % typical),
                 hint=_("put time.sleep(1) inside each loop, after the print"))


# A loop with no sleep is judged by its pacing alone: its thousands of lines reach the grader's
# line cap, or wait on the grader's channel while the supervisor is behind, and whether the two
# loops overlapped cannot be read from what came through (bad_child_no_sleep under fork on a busy
# machine: 4 gradings in 1,600 were told "all the ----2---- lines came before the ----1---- lines
# began", 1 in 100 at 05bbc21).
@check(N_("the two loops run at the same time"), needs=["loops_in_two_processes", "loops_paced"], about_time=True)
def test_loops_interleave(trace):
    (text_a, lines_a), (text_b, lines_b) = the_loops(trace)[:2]
    a_in_b = _inside(lines_a, lines_b)
    b_in_a = _inside(lines_b, lines_a)
    if a_in_b >= 2 and b_in_a >= 2:
        return
    first, second = (text_a, text_b) if lines_a[-1].t <= lines_b[0].t else (text_b, text_a)
    fail(expected=_("the lines of both loops interleave, like ----1---- ----2---- ----1---- ----2----"),
         observed=_("all the {first} lines came before the {second} lines began").format(
             first=quote(first), second=quote(second))
         if min(a_in_b, b_in_a) == 0 else
         _("they barely overlap: only {a}/{b} lines fall inside the other loop's time").format(a=a_in_b, b=b_in_a),
         hint=_("start the child and go straight on to main's loop: do not join() the child first, "
                "and let its loop run forever"))


def _inside(lines: list[Line], other: list[Line]) -> int:
    start, end = other[0].t, other[-1].t
    return sum(start < l.t < end for l in lines)


@check(N_("every process stays in the program's tree: none detached itself"))
def test_stays_in_tree(trace):
    common_checks.stays_in_tree(trace)


# A loop with no sleep at all floods its line and burns a CPU: loops_paced names that one.
@check(N_("no process spins where it should wait"), needs=["loops_paced"], about_time=True)
def test_waits_without_spinning(trace):
    common_checks.waits_without_spinning(trace)
