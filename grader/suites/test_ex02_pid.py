"""Exercise 2: main and its child each print their own pid; the child finishes before main ends."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from grader import common_checks
from grader.checks import check, fail
from grader.i18n import N_, _
from grader.runner import RunSpec
from grader.trace import Proc, Trace

TITLE = N_("pids")


def run_spec(program: Path, start_method: str) -> RunSpec:
    # PARENT_PACES (as in ex03): a child's sleep does not end while main is asleep past its time,
    # or woken and not yet acting. Warped 20 times, main's 1 s head start over a daemon child's
    # 3 s sleep is 100 ms, which a busy machine can take from main (load 31: the daemon child of
    # `bad_daemon_child` finished before main ended, 2 gradings in 100): on the program's own
    # clock main is still first. FIRST_LINE_WAITS (as in ex03): the child prints only once main
    # has given it time (slept after start(), or waited for it), as a real child that boots while
    # main runs on: the daemon child of a main that ends right after start() never prints.
    return RunSpec(program, start_method=start_method, warp=0.05, budget=10.0,
                   env=(("PROCGRADE_PARENT_PACES", "1"), ("PROCGRADE_FIRST_LINE_WAITS", "1")))


def the_child(trace: Trace) -> Optional[Proc]:
    """The process that printed the child's lines (any process but main that printed), else
    main's only child (one that printed nothing)."""
    printers = [trace.proc(pid) for pid in trace.printers(trace.out()) if pid != trace.main_pid]
    children = trace.children_of(trace.main_pid)
    return next((p for p in printers if p is not None), children[0] if len(children) == 1 else None)


@check(N_("no process crashes"))
def test_no_process_crashed(trace):
    common_checks.no_crash(trace)


@check(N_("main prints its own pid"))
def test_main_prints_its_pid(trace):
    common_checks.prints_own_pid(trace, trace.main_pid, _("in main"))


@check(N_("main starts exactly one child process"))
def test_one_child(trace):
    children = trace.children_of(trace.main_pid)
    if len(children) == 1:
        return
    if not children:
        ran_in_main = [l for l in trace.lines_by(trace.main_pid) if l.thread == "MainThread"]
        in_thread = [l for l in trace.lines_by(trace.main_pid) if l.thread != "MainThread"]
        if in_thread:
            hint = _("the child's lines came from a thread ({thread}) of main: a thread is not a process; "
                     "use multiprocessing.Process").format(thread=in_thread[0].thread)
        elif len(ran_in_main) > 1:
            hint = _("run_proc ran inside main: `p.run()` and `Process(target=run_proc())` both call "
                     "it in main. Pass the function itself, `Process(target=run_proc)`, then `p.start()`")
        else:
            hint = _("create a multiprocessing.Process(target=run_proc) and call its start()")
        fail(expected=_("one child process started by main"), observed=_("main started no process"), hint=hint)
    shown = common_checks.listed(trace.describe(c.pid) for c in children)
    fail(expected=_("one child process started by main"),
         observed=_("main started {count}: {processes}").format(count=len(children), processes=shown),
         hint=_("create and start a single Process"))


def was_killed(child) -> bool:
    """Ended by a signal, as its parent saw it (multiprocessing's exit code -N), without
    reporting its own end."""
    return child.exitcode is None and child.parent_saw is not None and child.parent_saw < 0


DAEMON, KILLED, HUNG, NEVER = "daemon", "killed", "hung", "never"
# what became of a child that did not finish, said of one that printed nothing, and of one that
# printed `count` lines
PRINTED_NOTHING = {DAEMON: N_("{who} printed nothing: it was killed when main ended (exit code {code}): it was a daemon"),
                   KILLED: N_("{who} printed nothing: it was killed (exit code {code}) before it finished")}
PRINTED_SOME = {DAEMON: N_("{who} printed {count} line(s) and was killed when main ended (exit code {code}): it was a daemon"),
                KILLED: N_("{who} printed {count} line(s) and was killed (exit code {code}) before it finished"),
                HUNG: N_("{who} printed {count} line(s) and was still running when the program was stopped ({why})"),
                NEVER: N_("{who} printed {count} line(s) and never finished: no exit of it was seen")}
UNFINISHED_HINTS = {
    DAEMON: N_("a daemon child (daemon=True) is killed as soon as main ends; leave daemon off "
               "(or join() the child) so it can finish"),
    KILLED: N_("something stopped the child before the end of run_proc (terminate(), kill()): let it "
               "finish, and join() it"),
    HUNG: N_("run_proc must come to its end: look for a loop without an end, or a wait (get(), "
             "wait(), join()) for something that never comes"),
    NEVER: N_("let the child's code run to its end, and have main wait for it (join(), or os.wait() after os.fork())")}


def unfinished(trace: Trace, child: Proc) -> str:
    """What became of a child that did not finish (a key of PRINTED_SOME and UNFINISHED_HINTS):
    only a child that was a daemon and was killed is told about daemon=True."""
    if was_killed(child) and child.daemon:
        return DAEMON
    if was_killed(child):
        return KILLED
    return HUNG if trace.outcome.hung else NEVER


def unfinished_values(trace: Trace, child: Proc, count: int) -> dict:
    why = trace.outcome.why_stopped() + common_checks.hang_diagnosis(trace) if trace.outcome.hung else ""
    return dict(who=trace.describe(child.pid), count=count, code=child.parent_saw, why=why)


@check(N_("the child prints its own pid"), needs=["one_child"])
def test_child_prints_its_pid(trace):
    child = the_child(trace)
    if child is None or not trace.lines_by(child.pid):
        if child is not None and was_killed(child):
            state = unfinished(trace, child)
            fail(expected=_("the child prints a line with its pid"),
                 observed=_(PRINTED_NOTHING[state]).format(**unfinished_values(trace, child, 0)),
                 hint=_(UNFINISHED_HINTS[state]))
        fail(expected=_("the child prints a line with its pid"),
             observed=_("{who} printed nothing{lost}").format(who=trace.describe(child.pid),
                                                             lost=common_checks.lost_note(trace, child.pid))
             if child else _("no child printed anything"),
             hint=_("print os.getpid() inside run_proc, the function the child runs"))
    common_checks.prints_own_pid(trace, child.pid, _("inside run_proc, in the child itself"))


@check(N_("the child's parent is main"), needs=["child_prints_its_pid"])
def test_child_parent_is_main(trace):
    child = the_child(trace)
    if child.parent == trace.main_pid:
        return
    fail(expected=_("the child was started by main (pid {pid})").format(pid=trace.main_pid),
         observed=_("the child's lines came from {who}, started by {parent}").format(
             who=trace.describe(child.pid), parent=trace.describe(child.parent)),
         hint=_("start the child from main itself, not from another child"))


@check(N_("the child finishes its work before main ends"), needs=["one_child"], about_time=True)
def test_child_finishes_first(trace):
    child = the_child(trace)
    lines = trace.lines_by(child.pid)
    if child.exitcode == 0 and len(lines) >= 2:
        main_end = trace.main.ended
        if main_end is None or child.ended <= main_end:
            return
    if child.exitcode is None and (child.parent_saw is None or was_killed(child)):
        state = unfinished(trace, child)
        fail(expected=_("the child prints its last line and exits with code 0"),
             observed=_(PRINTED_SOME[state]).format(**unfinished_values(trace, child, len(lines))),
             hint=_(UNFINISHED_HINTS[state]))
    fail(expected=_("the child prints its pid line and its ending line, and exits with code 0"),
         observed=_("{who} printed {count} line(s) and exited with code {code}").format(
             who=trace.describe(child.pid), count=len(lines),
             code=child.exitcode if child.exitcode is not None else child.parent_saw),
         hint=_("print both lines in run_proc and let it return normally"))


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
