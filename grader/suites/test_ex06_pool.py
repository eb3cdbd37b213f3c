"""Exercise 6: a Pool of 3 runs 10 tasks (part A); a writer task and a reader task in a Pool
share a Manager().Queue() (part B).

Tasks are told apart by their lines: a task's start line and done line carry its number first
("0开始执行,进程号为4711", "0 执行完毕，耗时1.01"); who printed them says where it ran. The
reader of part B is the process printing "reader ... : <letter>" lines.
"""

from __future__ import annotations

import re
from pathlib import Path

from grader import common_checks
from grader.checks import check, fail, plural, quote
from grader.runner import RunSpec
from grader.trace import MAIN, POOL_WORKER, Line, Trace

TITLE = "pool"
TASKS = 10
POOL_SIZE = 3
WORD = "itcast"
START = re.compile(r"^\s*(?:task\s*)?(\d{1,3})(?!\d).*?(开始|start)", re.I)
DONE = re.compile(r"^\s*(?:task\s*)?(\d{1,3})(?!\d).*?(完毕|done|finish|结束)", re.I)
END_OF_A = re.compile(r"-{2,}\s*end\s*-{2,}", re.I)
READER_GOT = re.compile(r"reader.*(获取|got|get|消息)\D*?[:：]\s*(\S)\s*$", re.I)


def run_spec(program: Path, start_method: str) -> RunSpec:
    # Tasks sleep up to 2 s (200 ms here); part B's sleep(1) lasts 100 ms, still far longer than
    # the writer needs, so the tutorial's qsize()-based reader gets every letter.
    return RunSpec(program, start_method=start_method, warp=0.1, budget=10.0)


def task_lines(trace: Trace, pattern: "re.Pattern[str]") -> list[tuple[int, Line]]:
    found = []
    for line in trace.out():
        match = pattern.search(line.text)
        if match and not END_OF_A.search(line.text) and "----" not in line.text:
            found.append((int(match.group(1)), line))
    return found


def task_spans(trace: Trace) -> dict[int, tuple[Line, Line]]:
    starts = dict(task_lines(trace, START))
    dones = dict(task_lines(trace, DONE))
    return {task: (starts[task], dones[task]) for task in starts if task in dones}


@check("no process crashes")
def test_no_process_crashed(trace):
    common_checks.no_crash(trace)


@check("each of the 10 tasks starts and finishes exactly once")
def test_each_task_runs_once(trace):
    starts = [t for t, _ in task_lines(trace, START)]
    dones = [t for t, _ in task_lines(trace, DONE)]
    wanted = list(range(TASKS))
    if sorted(starts) == wanted and sorted(dones) == wanted:
        return
    missing = sorted(set(wanted) - set(dones))
    fail(expected="start and done lines for tasks 0 to 9, each once",
         observed="start lines for %s; done lines for %s%s" % (
             sorted(starts) or "no task", sorted(dones) or "no task",
             "; %s never finished" % missing if missing else ""),
         hint="po.apply_async(worker, (i,)) for i in range(10), then po.close() and po.join(): "
              "without join() main can end before the tasks" if missing else
              "each task prints one start line and one done line, its number first")


@check("the tasks run in pool worker processes, not in main", needs=["each_task_runs_once"])
def test_tasks_run_in_pool_workers(trace):
    where = {trace.proc(l.pid).kind if trace.proc(l.pid) else "?" for _, l in task_lines(trace, START)}
    if where == {POOL_WORKER}:
        return
    in_main = [l for _, l in task_lines(trace, START) if l.pid == trace.main_pid]
    fail(expected="every task's lines come from a worker process of the Pool",
         observed="%s came from main" % quote(in_main[0].text) if in_main else
                  "some tasks ran in processes that are not pool workers",
         hint="hand the task to the pool: po.apply_async(worker, (i,)); calling worker(i) runs it in main")


@check("at most 3 worker processes run the tasks", needs=["tasks_run_in_pool_workers"])
def test_at_most_three_workers(trace):
    workers = trace.printers(l for _, l in task_lines(trace, START))
    if len(workers) <= POOL_SIZE:
        return
    fail(expected="the 10 tasks share the Pool's 3 worker processes",
         observed="%s ran them: %s" % (plural(len(workers), "process", "processes"),
                                       ", ".join(trace.describe(p) for p in workers)),
         hint="Pool(3) makes 3 workers; a pool reuses them for the next tasks")


@check("2 or 3 tasks run at the same time, never more", needs=["tasks_run_in_pool_workers"])
def test_tasks_overlap(trace):
    spans = task_spans(trace)
    most = Trace.max_overlap((a.t, b.t) for a, b in spans.values())
    if 2 <= most <= POOL_SIZE:
        return
    if most < 2:
        fail(expected="several tasks running at the same time (up to 3)",
             observed="the tasks ran one after another: each started only after the previous finished",
             hint="po.apply(...) waits for each task to finish; po.apply_async(...) hands it over and "
                  "returns at once, so the pool runs 3 at a time")
    fail(expected="at most 3 tasks at the same time", observed="%d tasks ran at the same time" % most,
         hint="Pool(3): three workers, three tasks at a time")


@check("-----end----- comes after every task finished", needs=["each_task_runs_once"])
def test_end_after_all_tasks(trace):
    ends = [l for l in trace.lines_by(trace.main_pid) if END_OF_A.search(l.text)]
    last_done = max(l.t for _, l in task_lines(trace, DONE))
    if ends and ends[0].t >= last_done:
        return
    fail(expected="main prints `-----end-----` after the last task's done line",
         observed="main printed %s before the tasks finished" % quote(ends[0].text) if ends else
                  "main printed no `-----end-----` line",
         hint="po.close() then po.join() waits for every task; print `-----end-----` after join()")


@check("the reader task gets the letters i, t, c, a, s, t in order, in a pool worker")
def test_reader_got_every_letter(trace):
    got = [(READER_GOT.search(l.text).group(2), l) for l in trace.out() if READER_GOT.search(l.text)]
    letters = "".join(c for c, _ in got)
    errors = trace.task_errors
    if letters == WORD:
        readers = {trace.proc(l.pid).kind if trace.proc(l.pid) else "?" for _, l in got}
        if readers == {POOL_WORKER}:
            return
        fail(expected="the reader runs as a task in a pool worker",
             observed="%s came from %s" % (quote(got[0][1].text), trace.describe(got[0][1].pid)),
             hint="hand the reader to the pool: po.apply_async(reader, (q,))")
    if any("inheritance" in e.exception for e in errors):
        fail(expected="the reader gets %s" % ", ".join(WORD),
             observed="the tasks never ran: each failed with %s, and the error was kept in the task's "
                      "AsyncResult, so nothing was printed" % quote(errors[0].exception, 120),
             hint="a plain multiprocessing.Queue cannot be sent to a Pool task (it can only be "
                  "inherited by a Process); create it with multiprocessing.Manager().Queue(). Call "
                  ".get() on the AsyncResult to see such errors")
    if errors:
        fail(expected="the reader gets %s" % ", ".join(WORD),
             observed="a task failed with %s, and the error stayed silent in its AsyncResult"
                      % quote(errors[0].exception, 160),
             hint="call .get() on the result of apply_async (or pass error_callback=print) to see "
                  "the error; for the queue use q = multiprocessing.Manager().Queue() (with the ())")
    fail(expected="the reader gets %s" % ", ".join(WORD),
         observed="the reader got %s" % (", ".join(letters) or "nothing"),
         hint="the writer puts every letter of 'itcast'; the reader gets len('itcast') letters "
              "with q.get(), which waits for each one")


@check("the program ends by itself, leaving nothing running")
def test_ends_cleanly(trace):
    common_checks.ended_by_itself(trace)


# A program that does not end is stopped where it is (the hang's diagnosis says where): whether it
# also spun is judged only of a program that ends.
@check("no process spins where it should wait", needs=["ends_cleanly"])
def test_waits_without_spinning(trace):
    common_checks.waits_without_spinning(trace)
