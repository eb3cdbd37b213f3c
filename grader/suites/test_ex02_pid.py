"""Exercise 2: main and its child each print their own pid; the child finishes before main ends."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from grader import common_checks
from grader.checks import check, fail
from grader.runner import RunSpec
from grader.trace import Proc, Trace

TITLE = "pids"


def run_spec(program: Path, start_method: str) -> RunSpec:
    return RunSpec(program, start_method=start_method, warp=0.05, budget=10.0)


def the_child(trace: Trace) -> Optional[Proc]:
    """The process that printed the child's lines (any process but main that printed), else
    main's only child (one that printed nothing)."""
    printers = [trace.proc(pid) for pid in trace.printers(trace.out()) if pid != trace.main_pid]
    children = trace.children_of(trace.main_pid)
    return next((p for p in printers if p is not None), children[0] if len(children) == 1 else None)


@check("no process crashes")
def test_no_process_crashed(trace):
    common_checks.no_crash(trace)


@check("main prints its own pid")
def test_main_prints_its_pid(trace):
    common_checks.prints_own_pid(trace, trace.main_pid, "in main")


@check("main starts exactly one child process")
def test_one_child(trace):
    children = trace.children_of(trace.main_pid)
    if len(children) == 1:
        return
    if not children:
        ran_in_main = [l for l in trace.lines_by(trace.main_pid) if l.thread == "MainThread"]
        in_thread = [l for l in trace.lines_by(trace.main_pid) if l.thread != "MainThread"]
        if in_thread:
            hint = ("the child's lines came from a thread (%s) of main: a thread is not a process; "
                    "use multiprocessing.Process" % in_thread[0].thread)
        elif len(ran_in_main) > 1:
            hint = ("run_proc ran inside main: `p.run()` and `Process(target=run_proc())` both call "
                    "it in main. Pass the function itself, `Process(target=run_proc)`, then `p.start()`")
        else:
            hint = "create a multiprocessing.Process(target=run_proc) and call its start()"
        fail(expected="one child process started by main", observed="main started no process", hint=hint)
    shown = ", ".join(trace.describe(c.pid) for c in children)
    fail(expected="one child process started by main",
         observed="main started %d: %s" % (len(children), shown),
         hint="create and start a single Process")


def was_killed(child) -> bool:
    """Ended by a signal, as its parent saw it (multiprocessing's exit code -N), without
    reporting its own end."""
    return child.exitcode is None and child.parent_saw is not None and child.parent_saw < 0


DAEMON_HINT = ("a daemon child (daemon=True) is killed as soon as main ends; leave daemon off "
               "(or join() the child) so it can finish")


def unfinished(trace: Trace, child: Proc) -> tuple[str, str]:
    """(what became of a child that did not finish, the hint that follows from it): only a child
    that was a daemon and was killed is told about daemon=True."""
    if was_killed(child) and child.daemon:
        return "was killed when main ended (exit code %s): it was a daemon" % child.parent_saw, DAEMON_HINT
    if was_killed(child):
        return ("was killed (exit code %s) before it finished" % child.parent_saw,
                "something stopped the child before the end of run_proc (terminate(), kill()): let it "
                "finish, and join() it")
    if trace.outcome.hung:
        return ("was still running when the program was stopped (%s%s)"
                % (trace.outcome.why_stopped(), common_checks.hang_diagnosis(trace)),
                "run_proc must come to its end: look for a loop without an end, or a wait (get(), "
                "wait(), join()) for something that never comes")
    return ("never finished: no exit of it was seen",
            "let the child's code run to its end, and have main wait for it (join(), or os.wait() after os.fork())")


@check("the child prints its own pid", needs=["one_child"])
def test_child_prints_its_pid(trace):
    child = the_child(trace)
    if child is None or not trace.lines_by(child.pid):
        killed = child is not None and was_killed(child)
        how, hint = unfinished(trace, child) if killed else ("", "print os.getpid() inside run_proc, the "
                                                                 "function the child runs")
        fail(expected="the child prints a line with its pid",
             observed="%s printed nothing%s" % (trace.describe(child.pid) if child else "no child",
                                                ": it " + how if killed else
                                                common_checks.lost_note(trace, child.pid) if child else ""),
             hint=hint)
    common_checks.prints_own_pid(trace, child.pid, "inside run_proc, in the child itself")


@check("the child's parent is main", needs=["child_prints_its_pid"])
def test_child_parent_is_main(trace):
    child = the_child(trace)
    if child.parent == trace.main_pid:
        return
    fail(expected="the child was started by main (pid %d)" % trace.main_pid,
         observed="the child's lines came from %s, started by %s"
                  % (trace.describe(child.pid), trace.describe(child.parent)),
         hint="start the child from main itself, not from another child")


@check("the child finishes its work before main ends", needs=["one_child"])
def test_child_finishes_first(trace):
    child = the_child(trace)
    lines = trace.lines_by(child.pid)
    if child.exitcode == 0 and len(lines) >= 2:
        main_end = trace.main.ended
        if main_end is None or child.ended <= main_end:
            return
    if child.exitcode is None and (child.parent_saw is None or was_killed(child)):
        how, hint = unfinished(trace, child)
        fail(expected="the child prints its last line and exits with code 0",
             observed="%s printed %d line(s) and %s" % (trace.describe(child.pid), len(lines), how),
             hint=hint)
    fail(expected="the child prints its pid line and its ending line, and exits with code 0",
         observed="%s printed %d line(s) and exited with code %s"
                  % (trace.describe(child.pid), len(lines),
                     child.exitcode if child.exitcode is not None else child.parent_saw),
         hint="print both lines in run_proc and let it return normally")


@check("the program ends by itself, leaving nothing running")
def test_ends_cleanly(trace):
    common_checks.ended_by_itself(trace)

@check("every process stays in the program's tree: none detached itself")
def test_stays_in_tree(trace):
    common_checks.stays_in_tree(trace)


# A program that does not end is stopped where it is (the hang's diagnosis says where): whether it
# also spun is judged only of a program that ends.
@check("no process spins where it should wait", needs=["ends_cleanly"])
def test_waits_without_spinning(trace):
    common_checks.waits_without_spinning(trace)
