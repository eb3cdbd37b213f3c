"""Exercise 3: a child gets args and kwargs, main stops it early with terminate() and reports its
state from the Process object.

terminate() does what it does on every platform: it sends SIGTERM, and the child's exit code is
-15. To see that main reads the child's state instead of typing it, the instrumentation records
every is_alive() and exitcode read of the child's Process object (with the value it returned),
and the graded run sends terminate()'s SIGTERM only when main next joins the child (or 1 s
later): a status printed between terminate() and join() then always finds the child alive.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Optional

from grader import common_checks
from grader.checks import check, fail, quote
from grader.runner import RunSpec
from grader.trace import Line, Proc, Trace

TITLE = "process args"
ROUNDS = 10
NAME = re.compile(r"name\s*[=:：]?\s*['\"]?([^\s,'\"，]+)", re.I)
AGE = re.compile(r"age\s*[=:：]?\s*['\"]?(-?\d+)", re.I)
ALIVE = re.compile(r"alive\s*[=:：]?\s*(True|False)", re.I)
READS = {"is_alive": "p.is_alive()", "exitcode": "p.exitcode"}
EXITCODE = re.compile(r"exit\s*code\s*[=:：]?\s*(-?\d+|None)", re.I)


def run_spec(program: Path, start_method: str) -> RunSpec:
    # sleep(1) in main lasts 200 ms and the child's rounds 40 ms: terminate() lands after about
    # 5 rounds, far from both 0 and 10. On a busy machine main can wake late (by 200 ms and more
    # at a load of 9 on 2 cores: 1 run in 100): PARENT_PACES holds the child's sleeps while main
    # is asleep past its time, so the child cannot run ahead of a main that is on time by its own
    # clock.
    return RunSpec(program, start_method=start_method, warp=0.2, budget=10.0,
                   env=(("PROCGRADE_TERMINATE_DEFER", "1.0"), ("PROCGRADE_PARENT_PACES", "1")))


def the_child(trace: Trace) -> Optional[Proc]:
    printers = [trace.proc(pid) for pid in trace.printers(trace.out()) if pid != trace.main_pid]
    return next((p for p in printers if p is not None), None)


def round_lines(trace: Trace, child: Proc) -> list[Line]:
    """The child's "name=..., age=..." lines: one per round."""
    return [l for l in trace.lines_by(child.pid) if NAME.search(l.text) or AGE.search(l.text)]


def child_or_fail(trace: Trace) -> Proc:
    child = the_child(trace)
    if child is None:
        children = trace.children_of(trace.main_pid)
        fail(expected="a child process that prints its name, age and pid",
             observed="no process other than main printed anything" +
                      ("" if children else "; main started no process"),
             hint="Process(target=run_proc, args=('test', 18), kwargs={'m': 20}), then p.start()")
    return child


@check("no process crashes")
def test_no_process_crashed(trace):
    common_checks.no_crash(trace)


@check("the child got name 'test' and age 18 from args")
def test_child_got_args(trace):
    child = child_or_fail(trace)
    lines = round_lines(trace, child)
    if not lines:
        fail(expected="the child prints a line like `子进程运行中，name= test,age=18 ,pid=...`",
             observed="%s printed no line with name= and age=" % trace.describe(child.pid),
             hint="print name and age inside run_proc")
    line = lines[0]
    name, age = NAME.search(line.text), AGE.search(line.text)
    got = (name.group(1) if name else None, age.group(1) if age else None)
    if got == ("test", "18"):
        return
    fail(expected="name test and age 18 in the child's line",
         observed="the child printed %s: name %s, age %s" % (quote(line.text), got[0], got[1]),
         hint="args=('test', 18) is passed in order to run_proc(name, age, ...): check the order "
              "of the tuple and of the parameters")


@check("the child got the keyword arguments {'m': 20}")
def test_child_got_kwargs(trace):
    child = child_or_fail(trace)
    dicts = [(l, d) for l in trace.lines_by(child.pid) for d in _dicts(l.text)]
    if any(d == {"m": 20} for _, d in dicts):
        return
    fail(expected="the child prints its kwargs, `{'m': 20}`",
         observed=("the child printed %s" % quote(dicts[0][0].text)) if dicts else
                  "the child printed no dict",
         hint="pass kwargs={'m': 20} to Process, and print(kwargs) inside run_proc(name, age, **kwargs)")


def _dicts(text: str) -> list[dict]:
    found = []
    for literal in re.findall(r"\{[^{}]*\}", text):
        try:
            value = ast.literal_eval(literal)
        except (ValueError, SyntaxError):
            continue
        if isinstance(value, dict):
            found.append(value)
    return found


@check("the child prints its own pid")
def test_child_prints_its_pid(trace):
    child = child_or_fail(trace)
    common_checks.prints_own_pid(trace, child.pid, "inside run_proc, in the child itself")


@check("main stops the child early with terminate()")
def test_child_terminated_early(trace):
    child = child_or_fail(trace)
    rounds = len(round_lines(trace, child))
    survived = child.exitcode is not None or (trace.outcome.hung and child.parent_saw is None)
    if child.terminate_sent is not None and survived:
        ignored_terminate(trace, child)
    if child.exitcode is None and 1 <= rounds < ROUNDS:
        return
    if child.exitcode is not None:
        fail(expected="the child is stopped by main before its %d rounds are over" % ROUNDS,
             observed="%s ran %d rounds and ended by itself (exit code %s)"
                      % (trace.describe(child.pid), rounds, child.exitcode),
             hint="after sleep(1), main calls p.terminate() and then p.join()")
    fail(expected="the child prints some rounds (not 0, not all %d) before it is stopped" % ROUNDS,
         observed="%s printed %d rounds" % (trace.describe(child.pid), rounds),
         hint="start the child, sleep(1) in main, then p.terminate()")


def ignored_terminate(trace: Trace, child: Proc) -> None:
    """The child was sent terminate()'s SIGTERM and did not die of it (it ignored or caught it)."""
    lines = round_lines(trace, child)
    before = sum(l.t <= child.terminate_sent for l in lines)
    end = ("it ended by itself with exit code %s; had its loop no end, main would have waited in "
           "join() forever" % child.exitcode if child.exitcode is not None else
           "main waited in join() until the grader stopped the run")
    fail(expected="the child stops when main calls terminate() (it ends by SIGTERM, exit code -15)",
         observed="the child ignored terminate(): main sent %s SIGTERM after %d of its rounds and "
                  "waited in join(), but it went on with %d more rounds; %s"
                  % (trace.describe(child.pid), before, len(lines) - before, end),
         hint="terminate() only sends SIGTERM: a child that ignores it (signal.signal(SIGTERM, "
              "SIG_IGN)) or catches it and goes on never stops. Let SIGTERM end the child")


@check("after join(), main prints the child's real state: alive=False exitcode=…",
       needs=["child_terminated_early"])
def test_main_reports_exit_state(trace):
    child = the_child(trace)
    status = [l for l in trace.lines_by(trace.main_pid) if ALIVE.search(l.text) and EXITCODE.search(l.text)]
    truth = child.parent_saw
    if not status:
        fail(expected="main prints `alive=False exitcode=%s` after join()" % truth,
             observed="main printed no line with alive= and exitcode=",
             hint="print(f\"alive={p.is_alive()} exitcode={p.exitcode}\") after p.join()")
    line = status[-1]
    alive, code = ALIVE.search(line.text).group(1), EXITCODE.search(line.text).group(1)
    if alive == "True" or code == "None":
        fail(expected="alive=False exitcode=%s, read after join()" % truth,
             observed="main printed %s: the child had not ended yet when main asked" % quote(line.text),
             hint="terminate() only sends a signal; call p.join() to wait for the end, then read "
                  "p.is_alive() and p.exitcode")
    if alive != "False" or code != str(truth):
        fail(expected="alive=False exitcode=%s: the values the Process object reports" % truth,
             observed="main printed %s, but the child's real exit code was %s" % (quote(line.text), truth),
             hint="print p.is_alive() and p.exitcode themselves, not fixed text")
    unread = [what for what in ("is_alive", "exitcode")
              if trace.last_read(trace.main_pid, child.pid, what, line.t) is None]
    if unread:
        fail(expected="main reads alive and exitcode from the Process object, after join()",
             observed="main printed %s without ever reading %s of %s: the values were typed in"
                      % (quote(line.text), " or ".join(READS[what] for what in unread), trace.describe(child.pid)),
             hint="print p.is_alive() and p.exitcode themselves, not fixed text")
    misread = [(what, read.value) for what in ("is_alive", "exitcode")
               for read in [trace.last_read(trace.main_pid, child.pid, what, line.t)]
               if str(read.value) != (alive if what == "is_alive" else code)]
    if misread:
        fail(expected="main prints the values its Process object returned",
             observed="main printed %s, but the last time it asked, %s"
                      % (quote(line.text), ", ".join("%s returned %s" % (READS[w], v) for w, v in misread)),
             hint="print p.is_alive() and p.exitcode themselves, read after p.join()")


@check("the program ends by itself, leaving nothing running")
def test_ends_cleanly(trace):
    common_checks.ended_by_itself(trace)

@check("every process stays in the program's tree: none detached itself")
def test_stays_in_tree(trace):
    common_checks.stays_in_tree(trace)
