"""Exercise 6: a Pool of 3 runs 10 tasks (part A); a writer task and a reader task in a Pool
share a Manager().Queue() (part B).

Tasks are known by what the pool workers did, whatever they printed: which worker ran which task
(its function and arguments) from when to when; part A's function is the one handed to the pool
most often. Part B's reader is the process that got the letters from the queue. Printed lines are
read only for main's `-----end-----` and to quote a task that ran outside the pool.

In the graded run a pool's tasks start only once the program waits for them (join(), a result's
get(), or a sleep after handing them out): a program that never waits for its pool loses its
tasks on every run, not only on the runs where main happened to end first.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Iterable, Optional

from grader import common_checks
from grader.checks import check, fail, quote
from grader.i18n import N_, _, ngettext
from grader.runner import RunSpec
from grader.trace import POOL_WORKER, Line, QueueOp, SentTask, Task, Trace

TITLE = N_("pool")
TASKS = 10
POOL_SIZE = 3
WORD = "itcast"
START = re.compile(r"^\s*(?:task\s*)?(\d{1,3})(?!\d).*?(开始|start)", re.I)
DONE = re.compile(r"^\s*(?:task\s*)?(\d{1,3})(?!\d).*?(完毕|done|finish|结束)", re.I)
END_OF_A = re.compile(r"-{2,}\s*end\s*-{2,}", re.I)


def run_spec(program: Path, start_method: str) -> RunSpec:
    # Tasks sleep up to 2 s (100 ms here); part B's sleep(1) lasts 50 ms, and does not end before
    # the tasks it follows have finished (PROCGRADE_HOLD_TASKS: the instrumentation's head_start),
    # so the tutorial's qsize()-based reader gets every letter however busy the machine is.
    return RunSpec(program, start_method=start_method, warp=0.05, budget=10.0,
                   env=(("PROCGRADE_HOLD_TASKS", "1"),))


def task_lines(trace: Trace, pattern: "re.Pattern[str]") -> list[tuple[int, Line]]:
    found = []
    for line in trace.out():
        match = pattern.search(line.text)
        if match and not END_OF_A.search(line.text) and "----" not in line.text:
            found.append((int(match.group(1)), line))
    return found


@check(N_("no process crashes"))
def test_no_process_crashed(trace):
    common_checks.no_crash(trace)


def part_a_function(trace: Trace) -> str:
    """Part A's task function: the one handed to a pool most often with apply_async, and more than
    once (part B's writer and reader are handed over once each); else the one pool workers ran
    most often, more than once (handed over by map_async or imap: a map's chunks are unwrapped by
    the instrumentation). "" when no function was."""
    for tasks in (trace.task_sends, trace.task_runs):
        found = Counter(t.function for t in tasks).most_common(1)
        if found and found[0][1] > 1:
            return found[0][0]
    return ""


def part_a_tasks(trace: Trace) -> list[Task]:
    function = part_a_function(trace)
    return trace.tasks(function) if function else []


def task_number(args: str) -> Optional[int]:
    found = re.search(r"-?\d+", args)
    return int(found.group()) if found else None


def numbers(tasks: "Iterable[Task | SentTask]") -> list:
    return sorted(task_number(t.args) for t in tasks if task_number(t.args) is not None)


def described(found: list) -> str:
    """Task numbers for a message: "0 to 9" for a run of them, else "0, 3, 7"; "none"."""
    if len(found) > 2 and found == list(range(found[0], found[0] + len(found))):
        return _("{first} to {last}").format(first=found[0], last=found[-1])
    return ", ".join(map(str, found)) or _("none")


@check(N_("each of the 10 tasks starts and finishes exactly once"))
def test_each_task_runs_once(trace):
    wanted = list(range(TASKS))
    runs = part_a_tasks(trace)
    if not part_a_function(trace):
        # no task reached a pool: what ran, ran elsewhere (main?); judged from its lines
        starts = [t for t, _ in task_lines(trace, START)]
        dones = [t for t, _ in task_lines(trace, DONE)]
        if sorted(starts) == wanted and sorted(dones) == wanted:
            return
        fail(expected=_("tasks 0 to 9 handed to a Pool with apply_async, each run once"),
             observed=_("no task was handed to a pool"),
             hint=_("po.apply_async(worker, (i,)) for i in range(10), then po.close() and po.join()"))
    started = numbers(runs)
    finished = numbers(t for t in runs if t.ended is not None)
    if started == wanted and finished == wanted:
        return
    sent = numbers(t for t in trace.task_sends if t.function == part_a_function(trace))
    never = sorted(set(sent) - set(finished))
    if never and not trace.outcome.hung:
        values = dict(sent=described(sent), never=described(never), started=described(started))
        fail(expected=_("tasks 0 to 9 each start and finish in the pool before main ends"),
             observed=_("main handed tasks {sent} to the pool, and none of them ran: main ended without waiting "
                        "for them, and its pool's workers were stopped with it").format(**values) if not started
                      else _("main handed tasks {sent} to the pool, but {never} never finished: main ended without "
                             "waiting for them, and its pool's workers were stopped with it (tasks that "
                             "started: {started})").format(**values),
             hint=_("after the last apply_async, call po.close() and then po.join(): join() waits until every "
                    "task has finished. In the graded run a pool's tasks start only once main waits for them, "
                    "so a program that does not wait for its pool loses them on every run, not only on a "
                    "busy machine"))
    fail(expected=_("tasks 0 to 9 each start once and finish once"),
         observed=_("tasks that started: {started}; that finished: {finished}").format(
             started=described(started), finished=described(finished)),
         hint=_("po.apply_async(worker, (i,)) for i in range(10): each task once, numbered 0 to 9"))


@check(N_("the tasks run in pool worker processes, not in main"), needs=["each_task_runs_once"])
def test_tasks_run_in_pool_workers(trace):
    runs = part_a_tasks(trace)
    where = {trace.proc(t.pid).kind if trace.proc(t.pid) else "?" for t in runs}
    if runs and where == {POOL_WORKER}:
        return
    in_main = [l for _, l in task_lines(trace, START) if l.pid == trace.main_pid]
    if runs:
        observed = _("some tasks ran in processes that are not pool workers")
    elif in_main:
        observed = _("no task was handed to the pool: {line} came from main").format(line=quote(in_main[0].text))
    else:
        observed = _("no task was handed to the pool")
    fail(expected=_("every task runs in a worker process of the Pool"), observed=observed,
         hint=_("hand the task to the pool: po.apply_async(worker, (i,)); calling worker(i) runs it in main"))


@check(N_("at most 3 worker processes run the tasks"), needs=["tasks_run_in_pool_workers"])
def test_at_most_three_workers(trace):
    workers = list(dict.fromkeys(t.pid for t in part_a_tasks(trace)))
    if len(workers) <= POOL_SIZE:
        return
    fail(expected=_("the 10 tasks share the Pool's 3 worker processes"),
         observed=ngettext("{count} process ran them: {processes}", "{count} processes ran them: {processes}",
                           len(workers)).format(count=len(workers),
                                                processes=common_checks.listed(trace.describe(p) for p in workers)),
         hint=_("Pool(3) makes 3 workers; a pool reuses them for the next tasks"))


@check(N_("2 or 3 tasks run at the same time, never more"), needs=["tasks_run_in_pool_workers"], about_time=True)
def test_tasks_overlap(trace):
    most = Trace.max_overlap((t.started, t.ended) for t in part_a_tasks(trace) if t.ended is not None)
    if 2 <= most <= POOL_SIZE:
        return
    if most < 2:
        fail(expected=_("several tasks running at the same time (up to 3)"),
             observed=_("the tasks ran one after another: each started only after the previous finished"),
             hint=_("po.apply(...) waits for each task to finish; po.apply_async(...) hands it over and "
                    "returns at once, so the pool runs 3 at a time"))
    fail(expected=_("at most 3 tasks at the same time"),
         observed=_("{count} tasks ran at the same time").format(count=most),
         hint=_("Pool(3): three workers, three tasks at a time"))


@check(N_("-----end----- comes after every task finished"), needs=["each_task_runs_once"], about_time=True)
def test_end_after_all_tasks(trace):
    ends = [l for l in trace.lines_by(trace.main_pid) if END_OF_A.search(l.text)]
    runs = part_a_tasks(trace)
    last_done = max((t.ended for t in runs if t.ended is not None), default=0.0) if runs else \
        max(l.t for _, l in task_lines(trace, DONE))
    if ends and ends[0].t >= last_done:
        return
    unfinished = [t for t in runs if ends and (t.ended is None or t.ended > ends[0].t)]
    if not ends:
        observed = _("main printed no `-----end-----` line")
    elif unfinished:
        observed = ngettext("main printed {line} before {count} task had finished",
                            "main printed {line} before {count} tasks had finished", len(unfinished)).format(
                                line=quote(ends[0].text), count=len(unfinished))
    else:
        observed = _("main printed {line} before the tasks had finished").format(line=quote(ends[0].text))
    fail(expected=_("main prints `-----end-----` after the last task has finished"), observed=observed,
         hint=_("po.close() then po.join() waits for every task; print `-----end-----` after join()"))


def reader_gets(trace: Trace) -> list[QueueOp]:
    """The letters part B's reader got: the one-character items got by the process that got the
    most of them from one queue (an end marker, None or "END", is not a letter)."""
    gets = [op for op in trace.queue_ops() if op.op == "get" and op.moved and len(op.value) == 1
            and op.item != op.value]
    if not gets:
        return []
    queue, pid = Counter((op.queue, op.pid) for op in gets).most_common(1)[0][0]
    return [op for op in gets if op.queue == queue and op.pid == pid]


@check(N_("the reader task gets the letters i, t, c, a, s, t in order, in a pool worker"))
def test_reader_got_every_letter(trace):
    got = reader_gets(trace)
    letters = "".join(op.value for op in got)
    errors = trace.task_errors
    if letters == WORD:
        reader = trace.proc(got[0].pid)
        if reader is not None and reader.kind == POOL_WORKER:
            return
        fail(expected=_("the reader runs as a task in a pool worker"),
             observed=_("{who} got the letters from the queue").format(who=trace.describe(got[0].pid)),
             hint=_("hand the reader to the pool: po.apply_async(reader, (q,))"))
    expected = _("the reader gets {letters}").format(letters=", ".join(WORD))
    if any("inheritance" in e.exception for e in errors):
        fail(expected=expected,
             observed=_("the tasks never ran: each failed with {exception}, and the error was kept in the task's "
                        "AsyncResult, so nothing was printed").format(exception=quote(errors[0].exception, 120)),
             hint=_("a plain multiprocessing.Queue cannot be sent to a Pool task (it can only be "
                    "inherited by a Process); create it with multiprocessing.Manager().Queue(). Call "
                    ".get() on the AsyncResult to see such errors"))
    if errors:
        fail(expected=expected,
             observed=_("a task failed with {exception}, and the error stayed silent in its AsyncResult").format(
                 exception=quote(errors[0].exception, 160)),
             hint=_("call .get() on the result of apply_async (or pass error_callback=print) to see "
                    "the error; for the queue use q = multiprocessing.Manager().Queue() (with the ())"))
    early = stopped_early(trace)
    if early:
        reader, last, late = early
        said = [_("The reader task `{task}`, run by {who}, got {items}.").format(
                    task=reader.name, who=trace.describe(reader.pid),
                    items=", ".join(op.value for op in trace.queue_ops(last.queue, reader.pid)
                                    if op.op == "get" and op.moved and reader.started <= op.t <= reader.ended)
                    or _("nothing"))]
        found = common_checks.found_nothing(last)
        said += [found] if found else []
        said.append(common_checks.writer_still_putting(trace.describe(late[0].pid), [op.value for op in late]))
        if found:
            hint = _("an empty queue only says the writer has not put the next letter yet: the reader gets "
                     "len('itcast') letters with q.get(), which waits for each one")
        else:   # it ended by a count or a test of its own, not on an empty queue
            hint = _("the writer puts every letter of 'itcast'; the reader gets len('itcast') letters "
                     "with q.get(), which waits for each one")
        fail(expected=expected, observed=common_checks.sentences(said), hint=hint)
    fail(expected=expected,
         observed=_("{who} got {letters} from the queue").format(who=trace.describe(got[0].pid), letters=", ".join(letters))
         if got else _("no process got anything from a queue"),
         hint=_("the writer puts every letter of 'itcast'; the reader gets len('itcast') letters "
                "with q.get(), which waits for each one"))


def stopped_early(trace: Trace) -> Optional[tuple[Task, QueueOp, list[QueueOp]]]:
    """A task that asked the letters' queue (get, empty(), qsize()) and ended without asking
    again while the writer still had letters to put: (that task, its last call on the queue, the
    puts after that call)."""
    puts = [op for op in trace.queue_ops() if op.op == "put" and op.moved and len(op.value) == 1]
    if not puts:
        return None
    queue = Counter(op.queue for op in puts).most_common(1)[0][0]
    puts = [op for op in puts if op.queue == queue]
    for task in trace.tasks():
        if task.ended is None:
            continue
        asked = [op for op in trace.queue_ops(queue, task.pid) if op.op != "put" and task.started <= op.t <= task.ended]
        late = common_checks.missed_puts(puts, asked, task.ended)
        if asked and late:
            return task, asked[-1], late
    return None


@check(N_("the program ends by itself, leaving nothing running"), about_time=True)
def test_ends_cleanly(trace):
    common_checks.ended_by_itself(trace)

@check(N_("every process stays in the program's tree: none detached itself"))
def test_stays_in_tree(trace):
    common_checks.stays_in_tree(trace)


# A program that does not end is stopped where it is (the hang's diagnosis says where): whether it
# also spun is judged only of a program that ends.
@check(N_("no process spins where it should wait"), needs=["ends_cleanly"], about_time=True)
def test_waits_without_spinning(trace):
    common_checks.waits_without_spinning(trace)
