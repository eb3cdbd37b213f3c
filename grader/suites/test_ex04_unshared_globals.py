"""Exercise 4: each process has its own copy of the global `nums`.

work1 appends 0, 1, 2 in its own process; work2, started after work1 ended, still sees [11, 22];
so does main, which prints its own `nums` last. The processes are told apart by who printed,
not by the words of their lines: of the children that print a list, the one main started first
is work1, the next work2 (when main called start(), not who printed first).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import NamedTuple, Optional

from grader import common_checks
from grader.checks import check, fail, quote
from grader.i18n import N_, _, ngettext
from grader.runner import RunSpec
from grader.trace import FORKED, MAIN, Line, Trace

TITLE = N_("unshared globals")
ORIGINAL = [11, 22]
GROWN = [[11, 22], [11, 22, 0], [11, 22, 0, 1], [11, 22, 0, 1, 2]]
LIST = re.compile(r"\[[^\[\]]*\]")


def run_spec(program: Path, start_method: str) -> RunSpec:
    return RunSpec(program, start_method=start_method, warp=0.05, budget=10.0)


def printed_list(line: Line) -> Optional[list]:
    for literal in LIST.findall(line.text):
        try:
            value = ast.literal_eval(literal)
        except (ValueError, SyntaxError):
            continue
        if isinstance(value, list):
            return value
    return None


def list_lines(trace: Trace, pid: int) -> list[tuple[Line, list]]:
    return [(l, v) for l in trace.lines_by(pid) for v in [printed_list(l)] if v is not None]


def workers(trace: Trace) -> list[int]:
    """The non-main processes that printed a list, in the order main called their start(): work1
    is the one started first, even when work2 (started too early) prints first."""
    lines = [l for l in trace.out() if l.pid != trace.main_pid and printed_list(l) is not None]
    printers = trace.printers(lines)

    def asked_for(pid: int) -> float:
        proc = trace.proc(pid)
        called = proc.start_called if proc is not None else None
        return called if called is not None else float("inf")

    return sorted(printers, key=lambda pid: (asked_for(pid), printers.index(pid)))


@check(N_("no process crashes"))
def test_no_process_crashed(trace):
    common_checks.no_crash(trace)


@check(N_("work1 and work2 run in two child processes"))
def test_two_child_processes(trace):
    found = workers(trace)
    if len(found) >= 2:
        return
    in_main = list_lines(trace, trace.main_pid)
    threads = sorted({l.thread for l, _ in in_main} - {"MainThread"})
    if threads:
        hint = _("the lists were printed by threads ({threads}) of main. Threads share one process, so they "
                 "share its globals: that is exactly what this exercise shows processes do not do. "
                 "Use multiprocessing.Process").format(threads=common_checks.listed(threads))
    elif len(found) == 1:
        hint = _("run work2 in a second Process too, started after the first has ended")
    else:
        hint = _("run work1 and work2 each in a multiprocessing.Process")
    fail(expected=_("two child processes of main each print nums"),
         observed=ngettext("{count} child process printed lists: {processes}",
                           "{count} child processes printed lists: {processes}", len(found)).format(
                               count=len(found), processes=common_checks.listed(trace.describe(p) for p in found))
         if found else _("no child process printed lists: only main did"),
         hint=hint)


@check(N_("work1 sees its own list grow to [11, 22, 0, 1, 2]"), needs=["two_child_processes"])
def test_work1_sees_growth(trace):
    work1 = workers(trace)[0]
    seen = [v for _, v in list_lines(trace, work1)]
    if seen == GROWN:
        return
    fail(expected=_("work1 prints {lists}").format(lists=", ".join(map(str, GROWN))),
         observed=_("{who} printed {lists}").format(who=trace.describe(work1), lists=", ".join(map(str, seen))),
         hint=_("print nums once at the start of work1 and again after each append"))


@check(N_("work2 sees the original [11, 22]"), needs=["two_child_processes"])
def test_work2_sees_original(trace):
    work2 = workers(trace)[1]
    seen = [v for _, v in list_lines(trace, work2)]
    if seen == [ORIGINAL]:
        return
    # only a list that holds work1's appends shows that they reached work2
    shared = any(v in GROWN[1:] for v in seen)
    changed = [v for v in seen if v != ORIGINAL and v not in GROWN[1:]]
    fail(expected=_("work2 prints nums once: [11, 22]"),
         observed=_("{who} printed {lists}").format(who=trace.describe(work2), lists=", ".join(map(str, seen))),
         hint=_("work1's appends reached work2, so the list was shared (a Manager list, a Queue?): use "
                "the plain global list; each process has its own copy") if shared else
              _("work2 printed a list that work1 never had, so work2 changed nums itself ({list}): work2 only "
                "prints nums").format(list=changed[0]) if changed else
              _("print nums once in work2"))


class StartWords(NamedTuple):
    """How main starts work2's process and waits for work1's, in the words of the API it used."""

    expected: str
    started_early: str
    not_waited: str
    wait: str


PROCESS_WORDS = StartWords(
    N_("main calls start() for work2's process only after work1's process has ended"),
    N_("main called start() for {second} while {first} was still running"),
    N_("{first} had ended when main called start() for {second}, but main had not waited for it: no join() "
       "(or is_alive()) of it had returned by then"),
    N_("call p1.join() before creating and starting p2"))
# the tutorial's older lesson: os.fork() and os.waitpid()
FORK_WORDS = StartWords(
    N_("main forks work2's process only after work1's process has ended"),
    N_("{second} was forked while {first} was still running"),
    N_("{first} had ended when {second} was forked, but main had not waited for it: no os.wait() or "
       "os.waitpid() of it had returned by then"),
    N_("call os.waitpid(pid1, 0) before forking work2's process"))


@check(N_("work2 starts after work1 has ended"), needs=["two_child_processes"], about_time=True)
def test_work2_after_work1(trace):
    # When main CALLED start(), not when the child began to run: under spawn a child boots 0.2 s
    # and more after start(), long enough to hide a p2.start() that came before work1 ended.
    work1, work2 = (trace.proc(p) for p in workers(trace)[:2])
    called = work2.start_called
    words = FORK_WORDS if work2.kind == FORKED else PROCESS_WORDS
    named = dict(first=trace.describe(work1.pid), second=trace.describe(work2.pid))
    if work1.ended is None or called is None or called < work1.ended:
        fail(expected=_(words.expected), observed=_(words.started_early).format(**named), hint=_(words.wait))
    if work1.reaped_at is None or work1.reaped_at > called:
        fail(expected=_("main waits until work1's process has ended, then starts work2's"),
             observed=_(words.not_waited).format(**named),
             hint=_("{wait}: without it, work2 starting later is luck (a busy machine, a slow start), not "
                    "order").format(wait=_(words.wait)))


@check(N_("main prints its own nums last, still [11, 22]"), needs=["two_child_processes"], about_time=True)
def test_main_keeps_its_nums(trace):
    mine = list_lines(trace, trace.main_pid)
    if not mine:
        fail(expected=_("main prints its own nums, [11, 22], as the last line"),
             observed=_("main printed no list"),
             hint=_("after joining both processes, print nums in main"))
    line, value = mine[-1]
    last = [l for l in trace.out() if printed_list(l) is not None][-1]
    children_end = max((p.ended or 0.0) for p in trace.learner_procs() if p.kind != MAIN)
    if value == ORIGINAL and last.index == line.index and line.t >= children_end:
        return
    if value != ORIGINAL:
        # a child's change can reach main only through a shared list: then main sees what a child had
        children_had = [v for p in workers(trace) for _, v in list_lines(trace, p)]
        fail(expected=_("main's nums is still [11, 22]"),
             observed=_("main printed {line}").format(line=quote(line.text)),
             hint=_("main's list is one a child printed: either the list is shared (a Manager list?) or "
                    "main made the same changes itself. With the plain global list each process changes "
                    "only its own copy, and main leaves its copy alone")
                  if value in children_had else
                  _("no child printed this list, so main changed its own nums: main only prints it, after "
                    "joining both processes"))
    fail(expected=_("main's line is the last, after both processes have ended"),
         observed=_("main printed {line} before {last}").format(line=quote(line.text), last=quote(last.text)),
         hint=_("join() both processes before main prints"))


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
