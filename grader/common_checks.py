"""Checks every exercise shares: nothing crashed, the program ended by itself, nothing was left
running. Each suite declares its own check and calls these, so titles and points stay in the suite.
"""

from __future__ import annotations

import re
from typing import Optional

from . import sandbox
from .checks import fail, plural, quote
from .trace import HELPER, MANAGER, Crash, Outcome, Trace

# What a known crash means for a beginner, keyed on the exception's last line.
CRASH_HINTS: tuple[tuple[str, str], ...] = (
    ("bootstrapping phase",
     "put the code that starts processes under `if __name__ == \"__main__\":`. Under spawn (and "
     "forkserver) every child imports your file again, and code outside the guard runs again there"),
    ("Can't get attribute",
     "a function a child runs must be defined at the top level of the file, outside "
     "`if __name__ == \"__main__\":` and outside other functions: the child looks it up by name"),
    ("local object",
     "a child can only run a function defined at the top level of the file (it is sent by name)"),
    ("should only be shared between processes through inheritance",
     "a plain multiprocessing.Queue cannot be passed to a Pool task; create the queue with "
     "multiprocessing.Manager().Queue()"),
    ("NotImplementedError", "finish the TODO this line points to"),
    ("SyntaxError", "fix the syntax error at the line shown"),
    ("IndentationError", "fix the indentation at the line shown"),
)


def crash_hint(crash: Crash) -> str:
    for needle, hint in CRASH_HINTS:
        if needle in crash.exception:
            return hint
    return "read the traceback: the last line names the error, the line above it where it happened"


def not_idle(trace: Trace) -> None:
    if not trace.did_anything:
        fail(expected="the program runs: it prints and starts processes",
             observed="it printed nothing, started no process and exited at once",
             hint="fill in the TODOs of the exercise file")


def no_crash(trace: Trace) -> None:
    not_idle(trace)
    crashes = trace.crashes()
    if crashes:
        first = crashes[0]
        where = trace.describe(first.pid)
        more = " (and %d more)" % (len(crashes) - 1) if len(crashes) > 1 else ""
        fail(expected="no process ends with an uncaught exception",
             observed="%s crashed with %s%s" % (where, quote(first.exception, 160), more),
             hint=crash_hint(first))


def learner_leftovers(trace: Trace) -> list[dict]:
    """Processes still running after main ended, other than the library's own helpers."""
    helpers = {p.pid for p in trace.procs_of_kind(HELPER, MANAGER)}
    return [p for p in trace.outcome.leftovers if p["pid"] not in helpers]


def ended_by_itself(trace: Trace, expected_code: Optional[int] = 0) -> None:
    not_idle(trace)
    outcome = trace.outcome
    if outcome.hung:
        fail(expected="the program ends by itself",
             observed=outcome.why_stopped() + footprint(outcome) + hang_diagnosis(trace),
             hint="look for a loop without an end, or a get()/join() that waits for something "
                  "that never comes")
    if outcome.reason == "supervisor killed":
        fail(expected="the program ends by itself",
             observed="it killed the grader's supervisor (its parent), so the grader stopped it",
             hint="a program must not signal its parent or processes it did not start")
    if outcome.reason == "crash loop":
        crashes = trace.crashes()
        fail(expected="the program ends by itself",
             observed="its processes kept crashing (%d tracebacks%s), so it was stopped"
                      % (len(crashes), ", the first: " + quote(crashes[0].exception, 120) if crashes else ""),
             hint=crash_hint(crashes[0]) if crashes else "read the first traceback")
    if outcome.reason == "flood":
        fail(expected="the program ends by itself",
             observed="it printed more than the grader reads and was stopped",
             hint="look for a loop that prints without a pause or an end")
    if outcome.reason == "disk":
        fail(expected="the program writes only what the exercise needs",
             observed="its processes wrote more than %d MiB and it was stopped" % (sandbox.WRITE_CAP_BYTES >> 20),
             hint="look for a loop that writes without an end")
    if outcome.strays:
        fail(expected="the program writes only inside its own folder",
             observed="it left %s outside its folder (the grader removed them)" % ", ".join(outcome.strays[:3]),
             hint="write next to the program or into the destination folder only")
    if expected_code is not None and outcome.returncode != expected_code:
        fail(expected="main exits with code %d" % expected_code,
             observed="main exited with code %s" % outcome.returncode,
             hint="an uncaught exception or sys.exit(n) in main gives a non-zero exit code")
    left = learner_leftovers(trace)
    if left:
        shown = ", ".join("pid %d (%s)" % (p["pid"], " ".join(p["cmdline"])[:60]) for p in left[:3])
        fail(expected="nothing of the program still runs after main ends",
             observed="still running after main ended: %s" % shown,
             hint="join() the processes you start, and do not detach them (no setsid, no double fork)")


def waits_without_spinning(trace: Trace) -> None:
    """No process of the learner's burned a CPU where it should have waited (supervisor.Spinning:
    a thread that never slept for a while once the learner's code ran)."""
    not_idle(trace)
    learners = {p.pid for p in trace.learner_procs()}
    spins = [spin for spin in trace.outcome.spins if spin.pid in learners]
    if not spins:
        return
    spin = spins[0]
    if spin.line_number and spin.function == "<module>":
        where = "at line %d: %s" % (spin.line_number, quote(spin.code, 100))
    elif spin.line_number:
        where = "at line %d, in %s(): %s" % (spin.line_number, spin.function, quote(spin.code, 100))
    else:
        where = "outside the program's own lines (its stack could not be read there)"
    fail(expected="every process waits without using a CPU: time.sleep(), get() and join() sleep "
                  "until their moment comes",
         observed="%s did not sleep once in %.2f s and used %.2f s of CPU meanwhile, %s"
                  % (trace.describe(spin.pid), spin.seconds, spin.cpu_seconds, where),
         hint="a loop that asks again and again (`while q.empty(): pass`, `while time.time() < end: "
              "pass`) keeps a CPU busy for nothing and slows the other processes: call what waits "
              "for you instead, time.sleep(), q.get() or p.join()")


FOOTPRINT_STEP_MIB = 100   # memory and writes told in whole hundreds of MiB: the same words from run to run


def footprint(outcome: Outcome) -> str:
    """For a run stopped by its budget: the memory it held and what it wrote, when far beyond what
    the exercises need. A memory or disk hog is stopped by its limit only when it gets there in
    time: on a busy machine its budget runs out first, and this still names what it was doing."""
    parts = []
    peak = max((kb for _, kb in outcome.peak_rss_kb), default=0) >> 10
    if peak >= 2 * FOOTPRINT_STEP_MIB:
        parts.append("one of its processes held more than %d MiB of memory" % (peak // FOOTPRINT_STEP_MIB * FOOTPRINT_STEP_MIB))
    wrote = outcome.written_bytes >> 20
    if wrote >= 2 * FOOTPRINT_STEP_MIB:
        parts.append("its processes wrote more than %d MiB (to disk or pipes)" % (wrote // FOOTPRINT_STEP_MIB * FOOTPRINT_STEP_MIB))
    return ("; by then " + " and ".join(parts)) if parts else ""


_FRAME = re.compile(r'File "([^"]+)", line (\d+) in (\S+)')


def hang_diagnosis(trace: Trace, source: Optional[list[str]] = None) -> str:
    """What each of the program's processes was doing when the budget ran out, from its stack
    dump (quoting the program's own line when `source`, the program's lines, is given), and the
    error of a pool task that failed silently: the usual cause of such a wait."""
    parts = []
    for pid, text in trace.stacks:
        proc = trace.proc(pid)
        if proc is None or proc.kind in (HELPER, MANAGER):
            continue
        blocks = text.split("\n\n")
        current = next((b for b in blocks if "Current thread" in b), blocks[0])
        frames = _FRAME.findall(current)
        # A forked child's stack still holds its parent's frames, below the child's _bootstrap.
        cut = next((i for i, f in enumerate(frames) if f[2] == "_bootstrap" and "multiprocessing" in f[0]),
                   len(frames))
        frames = frames[:cut]
        if not frames:
            continue
        own = [f for f in frames if "/program/" in f[0]]
        if own:
            number = int(own[0][1])
            code = source[number - 1].strip() if source and 0 < number <= len(source) else ""
            spot = "%s() line %d%s" % (own[0][2], number, ", " + quote(code, 100) if code else "")
        else:
            spot = "%s()" % frames[-1][2]
        parts.append("%s was in %s, waiting in %s()" % (trace.describe(pid), spot, frames[0][2]))
    parts = parts[:6]
    if trace.task_errors:
        first = trace.task_errors[0]
        more = " (and %d more)" % (len(trace.task_errors) - 1) if len(trace.task_errors) > 1 else ""
        parts.append("a pool task had failed with %s%s, an error apply_async kept to itself"
                     % (quote(first.exception, 160), more))
    return ("; " + "; ".join(parts)) if parts else ""


def numbers(text: str) -> list[int]:
    return [int(n) for n in re.findall(r"\d+", text)]


def lost_note(trace: Trace, pid: int) -> str:
    """For a message about what `pid` printed: the lines it wrote that never reached the
    program's output, if any ("" if none)."""
    lost = dict(trace.lost_lines).get(pid, 0)
    return (" that reached the output: %s went where its stdout no longer leads (was file descriptor 1 "
            "replaced, with os.dup2?)" % plural(lost, "line")) if lost else ""


def prints_own_pid(trace: Trace, pid: int, where: str) -> None:
    """`pid` printed a line holding its own pid. `where` says where to call os.getpid()."""
    said = [(line, n) for line in trace.lines_by(pid) for n in numbers(line.text)]
    if any(n == pid for _, n in said):
        return
    who = trace.describe(pid)
    if not said:
        fail(expected="%s prints its own pid, %d" % (who, pid),
             observed="%s printed no number at all%s" % (who, lost_note(trace, pid)),
             hint="print os.getpid() %s" % where)
    line, n = said[0]
    whose = trace.describe(n) if trace.proc(n) else "not a pid of this run"
    fail(expected="%s prints its own pid, %d" % (who, pid),
         observed="%s came from pid %d, but %d is %s" % (quote(line.text), pid, n, whose),
         hint="os.getpid() returns the pid of the process that calls it: call it %s. A pid read "
              "in another process (main's, p.pid, os.getppid()) is not this one's" % where)
