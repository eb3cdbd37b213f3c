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
from grader.checks import check, fail, quote, skip
from grader.i18n import N_, _
from grader.runner import RunSpec
from grader.trace import Line, Proc, Trace

TITLE = N_("process args")
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
    # clock. FIRST_LINE_WAITS: the child prints only once main has given it time (slept after
    # start(), before terminate()), as a real child that boots while main runs on.
    return RunSpec(program, start_method=start_method, warp=0.2, budget=10.0,
                   env=(("PROCGRADE_TERMINATE_DEFER", "1.0"), ("PROCGRADE_PARENT_PACES", "1"),
                        ("PROCGRADE_FIRST_LINE_WAITS", "1")))


def the_child(trace: Trace) -> Optional[Proc]:
    printers = [trace.proc(pid) for pid in trace.printers(trace.out()) if pid != trace.main_pid]
    return next((p for p in printers if p is not None), None)


def round_lines(trace: Trace, child: Proc) -> list[Line]:
    """The child's "name=..., age=..." lines: one per round."""
    return [l for l in trace.lines_by(child.pid) if NAME.search(l.text) or AGE.search(l.text)]


TERMINATED_EARLY = N_("main stops the child early with terminate()")


def child_or_fail(trace: Trace, judges_the_stop: bool = False) -> Proc:
    """The child that printed. A child that main stopped before it printed anything is one mistake,
    about the stop: told once, by the check of the stop; the checks of what it would have printed
    are skipped."""
    child = the_child(trace)
    if child is None:
        children = trace.children_of(trace.main_pid)
        # stopped by main's terminate() (SIGTERM, exit code -15), not ended by anything of its own first
        stopped = [c for c in children if c.terminate_called is not None and c.parent_saw in (None, -15)]
        if stopped and not judges_the_stop:
            skip(_("the child printed nothing before main stopped it: see “{title}”").format(
                title=_(TERMINATED_EARLY)))
        if stopped:
            child = stopped[0]
            expected = _("the child prints some rounds (not 0, not all {rounds}) before it is stopped").format(
                rounds=ROUNDS)
            if child.given_time is None or child.given_time > child.terminate_called:
                fail(expected=expected,
                     observed=_("main called terminate() on {who} without sleeping after p.start(): the child "
                                "had printed nothing").format(who=trace.describe(child.pid)),
                     hint=_("give the child time to work: sleep(1) in main between p.start() and p.terminate()"))
            fail(expected=expected,
                 observed=_("main slept after p.start(), then called terminate() on {who}; it had printed "
                            "nothing meanwhile").format(who=trace.describe(child.pid)),
                 hint=_("print each round at the start of run_proc's loop, before anything slow: main's "
                        "sleep(1) is all the time the child gets"))
        ended = [c for c in children if c.parent_saw is not None and c.parent_saw != -15]
        if ended:
            fail(expected=_("a child process that prints its name, age and pid"),
                 observed=_("{who} printed nothing and ended with exit code {code}").format(
                     who=trace.describe(ended[0].pid), code=ended[0].parent_saw),
                 hint=_("run_proc returned without printing: print name, age and pid in each of its rounds")
                 if ended[0].parent_saw == 0 else
                 _("the child ended before its first round, by itself (an exception, os._exit(), a signal): look "
                   "at what run_proc does first"))
        fail(expected=_("a child process that prints its name, age and pid"),
             observed=_("no process other than main printed anything") if children else
                      _("no process other than main printed anything; main started no process"),
             hint=_("{call}, then p.start()").format(call="Process(target=run_proc, args=('test', 18), kwargs={'m': 20})"))
    return child


@check(N_("no process crashes"))
def test_no_process_crashed(trace):
    common_checks.no_crash(trace)


@check(N_("the child got name 'test' and age 18 from args"))
def test_child_got_args(trace):
    child = child_or_fail(trace)
    lines = round_lines(trace, child)
    if not lines:
        fail(expected=_("the child prints a line like {example}").format(example="`子进程运行中，name= test,age=18 ,pid=...`"),
             observed=_("{who} printed no line with name= and age=").format(who=trace.describe(child.pid)),
             hint=_("print name and age inside run_proc"))
    line = lines[0]
    name, age = NAME.search(line.text), AGE.search(line.text)
    got = (name.group(1) if name else None, age.group(1) if age else None)
    if got == ("test", "18"):
        return
    fail(expected=_("name test and age 18 in the child's line"),
         observed=_("the child printed {line}: name {name}, age {age}").format(line=quote(line.text), name=got[0], age=got[1]),
         hint=_("args=('test', 18) is passed in order to run_proc(name, age, ...): check the order "
                "of the tuple and of the parameters"))


@check(N_("the child got the keyword arguments {'m': 20}"))
def test_child_got_kwargs(trace):
    child = child_or_fail(trace)
    dicts = [(l, d) for l in trace.lines_by(child.pid) for d in _dicts(l.text)]
    if any(d == {"m": 20} for _, d in dicts):
        return
    fail(expected=_("the child prints its kwargs, {kwargs}").format(kwargs="`{'m': 20}`"),
         observed=_("the child printed {line}").format(line=quote(dicts[0][0].text)) if dicts else
                  _("the child printed no dict"),
         hint=_("pass {kwargs} to Process, and print(kwargs) inside run_proc(name, age, **kwargs)").format(
             kwargs="kwargs={'m': 20}"))


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


@check(N_("the child prints its own pid"))
def test_child_prints_its_pid(trace):
    child = child_or_fail(trace)
    common_checks.prints_own_pid(trace, child.pid, _("inside run_proc, in the child itself"))


@check(TERMINATED_EARLY, about_time=True)
def test_child_terminated_early(trace):
    child = child_or_fail(trace, judges_the_stop=True)
    lines = round_lines(trace, child)
    rounds = len(lines)
    # it went on after SIGTERM: a child that had ended its rounds by then did not ignore it
    went_on = trace.outcome.hung or any(l.t > (child.terminate_sent or 0) for l in lines)
    survived = child.exitcode is not None or (trace.outcome.hung and child.parent_saw is None)
    if child.terminate_sent is not None and survived and went_on:
        ignored_terminate(trace, child)
    if child.exitcode is None and 1 <= rounds < ROUNDS and child.terminate_called is not None:
        return
    if child.exitcode is None and 1 <= rounds < ROUNDS:
        # stopped early, but by something else: kill(), os.kill(), a signal of its own
        status = child.os_exit if child.os_exit is not None else child.parent_saw
        fail(expected=_("main stops the child with terminate() (SIGTERM, exit code -15)"),
             observed=(_("{who} was stopped after {count} rounds, but main never called terminate() on it: it ended "
                         "with exit code {code}") if status is not None else
                       _("{who} was stopped after {count} rounds, but main never called terminate() on it")).format(
                 who=trace.describe(child.pid), count=rounds, code=status),
             hint=_("call p.terminate(), the lesson's way: it sends SIGTERM, which a program may catch to clean "
                    "up; kill() sends SIGKILL (exit code -9), which nothing can catch") if status == -9 else
                  _("call p.terminate(), the lesson's way: it sends SIGTERM and is what the exit code -15 "
                    "of the state main prints means"))
    if child.exitcode is not None:
        fail(expected=_("the child is stopped by main before its {rounds} rounds are over").format(rounds=ROUNDS),
             observed=_("{who} ran {count} rounds and ended by itself (exit code {code})").format(
                 who=trace.describe(child.pid), count=rounds, code=child.exitcode),
             hint=_("after sleep(1), main calls p.terminate() and then p.join()"))
    fail(expected=_("the child prints some rounds (not 0, not all {rounds}) before it is stopped").format(rounds=ROUNDS),
         observed=_("{who} printed {count} rounds").format(who=trace.describe(child.pid), count=rounds),
         hint=_("start the child, sleep(1) in main, then p.terminate()"))


def ignored_terminate(trace: Trace, child: Proc) -> None:
    """The child was sent terminate()'s SIGTERM and did not die of it (it ignored or caught it)."""
    lines = round_lines(trace, child)
    before = sum(l.t <= child.terminate_sent for l in lines)
    values = dict(who=trace.describe(child.pid), before=before, after=len(lines) - before, code=child.exitcode)
    if child.exitcode is not None:
        observed = _("the child ignored terminate(): main sent {who} SIGTERM after {before} of its rounds and "
                     "waited in join(), but it went on with {after} more rounds; it ended by itself with exit "
                     "code {code}; had its loop no end, main would have waited in join() forever").format(**values)
    else:
        observed = _("the child ignored terminate(): main sent {who} SIGTERM after {before} of its rounds and "
                     "waited in join(), but it went on with {after} more rounds; main waited in join() until "
                     "the grader stopped the run").format(**values)
    fail(expected=_("the child stops when main calls terminate() (it ends by SIGTERM, exit code -15)"),
         observed=observed,
         hint=_("terminate() only sends SIGTERM: a child that ignores it (signal.signal(SIGTERM, "
                "SIG_IGN)) or catches it and goes on never stops. Let SIGTERM end the child"))


def shown_state(trace: Trace, child: Proc, what: str) -> Optional[tuple[Line, str]]:
    """Where main showed `what` of the child ("is_alive" or "exitcode") and the value it showed:
    the last of main's lines that names it (`alive=False`, `exitcode: -15`); else, in any words
    (`退出码: -15`, `False -15`), the first line main printed after it last read it that holds
    the value it read."""
    pattern = ALIVE if what == "is_alive" else EXITCODE
    lines = trace.lines_by(trace.main_pid)
    named = [line for line in lines if pattern.search(line.text)]
    if named:
        return named[-1], pattern.search(named[-1].text).group(1)
    reads = [r for r in trace.reads if r.pid == trace.main_pid and r.child == child.pid and r.what == what]
    if not reads:
        return None
    value = str(reads[-1].value)
    token = re.compile(r"(?<![\w.-])%s(?![\w.])" % re.escape(value))
    after = [line for line in lines if line.t >= reads[-1].t and token.search(line.text)]
    return (after[0], value) if after else None


@check(N_("after join(), main prints the child's real state: alive=False exitcode=…"),
       needs=["child_terminated_early"])
def test_main_reports_exit_state(trace):
    child = the_child(trace)
    truth = child.parent_saw
    shown = {what: shown_state(trace, child, what) for what in READS}
    if not all(shown.values()):
        if not any(shown.values()):
            observed = _("main printed no line with alive= and exitcode=")
        elif shown["exitcode"]:
            observed = _("main printed the child's exit code ({line}) but not whether it is alive").format(
                line=quote(shown["exitcode"][0].text))
        else:
            observed = _("main printed whether the child is alive ({line}) but not its exit code").format(
                line=quote(shown["is_alive"][0].text))
        fail(expected=_("main prints `alive=False exitcode={code}` after join()").format(code=truth),
             observed=observed,
             hint=_("print({code}) after p.join()").format(code='f"alive={p.is_alive()} exitcode={p.exitcode}"'))
    (alive_line, alive), (code_line, code) = shown["is_alive"], shown["exitcode"]
    printed = common_checks.listed(dict.fromkeys(quote(line.text) for line in (alive_line, code_line)))
    if alive == "True" or code == "None":
        fail(expected=_("alive=False exitcode={code}, read after join()").format(code=truth),
             observed=_("main printed {line}: the child had not ended yet when main asked").format(line=printed),
             hint=_("terminate() only sends a signal; call p.join() to wait for the end, then read "
                    "p.is_alive() and p.exitcode"))
    if alive != "False" or code != str(truth):
        fail(expected=_("alive=False exitcode={code}: the values the Process object reports").format(code=truth),
             observed=_("main printed {line}, but the child's real exit code was {code}").format(
                 line=printed, code=truth),
             hint=_("print p.is_alive() and p.exitcode themselves, not fixed text"))
    read_by = {what: trace.last_read(trace.main_pid, child.pid, what, line.t) for what, (line, _value) in shown.items()}
    unread = [what for what, read in read_by.items() if read is None]
    if unread:
        reads = [READS[what] for what in unread]
        values = dict(line=printed, who=trace.describe(child.pid), read=reads[0], other=reads[-1])
        fail(expected=_("main reads alive and exitcode from the Process object, after join()"),
             observed=(_("main printed {line} without ever reading {read} of {who}: the values were typed in")
                       if len(reads) == 1 else
                       _("main printed {line} without ever reading {read} or {other} of {who}: the values were "
                         "typed in")).format(**values),
             hint=_("print p.is_alive() and p.exitcode themselves, not fixed text"))
    misread = [(what, read.value) for what, read in read_by.items() if str(read.value) != shown[what][1]]
    if misread:
        returned = common_checks.listed(_("{read} returned {value}").format(read=READS[w], value=v) for w, v in misread)
        fail(expected=_("main prints the values its Process object returned"),
             observed=_("main printed {line}, but the last time it asked, {returned}").format(
                 line=printed, returned=returned),
             hint=_("print p.is_alive() and p.exitcode themselves, read after p.join()"))


@check(N_("the program ends by itself, leaving nothing running"), about_time=True)
def test_ends_cleanly(trace):
    common_checks.ended_by_itself(trace)

@check(N_("every process stays in the program's tree: none detached itself"))
def test_stays_in_tree(trace):
    common_checks.stays_in_tree(trace)
