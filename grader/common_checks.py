"""Checks every exercise shares: nothing crashed, the program ended by itself, nothing was left
running. Each suite declares its own check and calls these, so titles and points stay in the suite.
"""

from __future__ import annotations

import re
from typing import Optional

from . import sandbox
from .checks import fail, plural, quote
from .trace import HELPER, MANAGER, Crash, Frame, Outcome, StartError, Trace, dump_frames

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
    ("is not UTF-8",
     "save the file as UTF-8 (your editor's \"save with encoding\"), or name its encoding on its "
     "first line, `# -*- coding: gbk -*-`"),
    ("TabError",
     "this block mixes tabs and spaces: indent every line with spaces only (4 per level)"),
    ("SyntaxError", "fix the syntax error at the line shown: Python reads the whole file before it runs any of it"),
    ("IndentationError", "fix the indentation at the line shown"),
    ("ModuleNotFoundError", "check the spelling of the module's name in the import at the line shown"),
    ("NameError", "a name is used before it is defined, or is misspelt: check the spelling at the line shown"),
)


def crash_hint(crash: Crash) -> str:
    return _hint_for(crash.exception)


# A program that did not start, by its exception and the learner's line it stopped at.
START_HINTS: tuple[tuple[str, str, str], ...] = (
    ("IndexError", "sys.argv[",
     "sys.argv[1] exists only when the program is given an argument; run without one (python "
     "ex07_folder_copier.py), it must ask for the name: src = input(\"请输入要copy的文件夹的名字：\")"),
)


def start_hint(error: StartError) -> str:
    """The hint for a program that did not start."""
    for exception, code, hint in START_HINTS:
        if error.type_name == exception and code in error.code:
            return hint
    return _hint_for("%s: %s" % (error.type_name, error.message))


def _hint_for(exception: str) -> str:
    for needle, hint in CRASH_HINTS:
        if needle in exception:
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
        own = [f for f in first.frames() if f.in_program(trace.program)]
        at = " at line %d%s" % (own[-1].line, ", " + quote(own[-1].code, 100) if own[-1].code else "") if own else ""
        fail(expected="no process ends with an uncaught exception",
             observed="%s crashed%s with %s%s" % (where, at, quote(first.exception, 160), more),
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


def stays_in_tree(trace: Trace) -> None:
    """No process left the program's tree while main ran: seen by the supervisor, which watches
    every process's session and parent (an orphan is re-parented to it)."""
    not_idle(trace)
    # An orphan still running after main ended is ends_cleanly's leftover already; whether the
    # supervisor saw it orphaned before main ended is a matter of timing, so only the leftover
    # counts for it. A process in a session of its own is a detachment whenever it is seen.
    # The library's own helpers (a forkserver, a resource tracker) outlive the process that
    # started them by design, a moment, until they see it gone.
    left = {p["pid"] for p in trace.outcome.leftovers}
    helpers = {p.pid for p in trace.procs_of_kind(HELPER, MANAGER)}
    detached = [d for d in trace.detached()
                if d.pid not in helpers and (d.how == "setsid" or d.pid not in left)]
    if not detached:
        return
    more = " (and %s more)" % len(detached[3:]) if len(detached) > 3 else ""
    fail(expected="every process of the program stays in its tree: started by main or by a process "
                  "of main's, in main's session, and waited for by its parent",
         observed="%s%s" % ("; ".join(trace.describe_detached(d) for d in detached[:3]), more),
         hint="start processes with multiprocessing.Process and join() them; a process that calls "
              "os.setsid() or is forked twice on purpose is a daemon, which this exercise does not ask for")




def waits_without_spinning(trace: Trace) -> None:
    """No process of the learner's burned a CPU where it should have waited (supervisor.Spinning:
    a thread that never slept for a while once the learner's code ran)."""
    not_idle(trace)
    learners = {p.pid for p in trace.learner_procs()}
    # Only a spin at a line of the learner's file is the learner's: a thread whose stack holds no
    # such line was in the library's own work (a pool's helper threads, forking workers), which a
    # busy machine can keep awake for a moment (seen once in 120 gradings of the ex06 solution
    # under fork at load 9: main "did not sleep once in 0.24 s", in no line of the program).
    spins = [spin for spin in trace.outcome.spins if spin.pid in learners and spin.line_number]
    if not spins:
        return
    spin = spins[0]
    if spin.function == "<module>":
        where = "at line %d: %s" % (spin.line_number, quote(spin.code, 100))
    else:
        where = "at line %d, in %s(): %s" % (spin.line_number, spin.function, quote(spin.code, 100))
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



def hang_diagnosis(trace: Trace, source: Optional[list[str]] = None) -> str:
    """What each of the program's processes was doing when it was stopped, from its stack dump:
    at its innermost line of the learner's file, quoted ("main (pid 1) was waiting in `p.join()`
    (line 41)"), or in which library function when no line of that file was on its stack; the
    processes that had already ended, said to have ended; and the error of a pool task that failed
    silently: the usual cause of such a wait. `source` (the program's lines) defaults to the trace's."""
    lines = list(source) if source is not None else list(trace.source)
    dumps = dict(trace.stacks)
    parts = []
    for proc in trace.learner_procs():
        if proc.pid in dumps:
            spot = _where_waiting(dumps[proc.pid], trace.program, lines)
            if spot:
                parts.append("%s %s" % (trace.describe(proc.pid), spot))
        elif proc.ended is not None or proc.exitcode is not None or proc.parent_saw is not None:
            parts.append("%s had ended" % trace.describe(proc.pid))
    parts = parts[:6]
    if trace.task_errors:
        first = trace.task_errors[0]
        more = " (and %d more)" % (len(trace.task_errors) - 1) if len(trace.task_errors) > 1 else ""
        parts.append("a pool task had failed with %s%s, an error apply_async kept to itself"
                     % (quote(first.exception, 160), more))
    return ("; " + "; ".join(parts)) if parts else ""


def _where_waiting(dump: str, program: str, source: list[str]) -> str:
    """One process's place in its stack dump: "was waiting in `q.get()` (line 30)"."""
    threads = [dump_frames(block) for block in dump.split("\n\n")]
    threads = [frames for frames in threads if frames]
    if not threads:
        return ""
    # the thread that runs the learner's code (a queue's feeder thread runs none of it)
    frames = next((f for f in threads if any(x.in_program(program) for x in f)), threads[0])
    own = next((f for f in frames if f.in_program(program)), None)    # innermost first
    if own is None:
        if any(f.function == "worker" and f.path.endswith("pool.py") for f in frames):
            return "was idle in its pool, running none of your code"
        library = next((f for f in frames if "/instrument/" not in f.path), frames[0])
        return "was in `%s()` of %s, in no line of %s" % (library.function, library.path.rsplit("/", 1)[-1],
                                                          program or "your file")
    code = source[own.line - 1].strip() if 0 < own.line <= len(source) else ""
    # innermost in the learner's own file: it was running its own code (a loop), not waiting
    verb = "was running" if frames[0] is own else "was waiting in"
    return "%s %s (line %d)" % (verb, quote(code, 100) if code else "`%s()`" % own.function, own.line)


def numbers(text: str) -> list[int]:
    return [int(n) for n in re.findall(r"\d+", text)]


PRINT_LESS = "print less: a line per step of the work, not thousands in a loop without a pause"


def output_complete(trace: Trace, needed: str) -> None:
    """Fail when the grader did not read all the program printed and `needed` (what the check
    must see, "the last progress value") may lie in the part it never read."""
    cut = trace.output_cut()
    if cut:
        fail(expected="the grader reads the whole output, to see %s" % needed,
             observed="%s, so the grader cannot tell %s" % (cut, needed), hint=PRINT_LESS)


def with_cut(cut: str, observed: str, hint: str) -> tuple[str, str]:
    """A failure's observed and hint when the grader read only part of the output (`cut`, from
    Trace.output_cut): what the check missed may be in the part it never read."""
    if not cut or cut in observed:
        return observed, hint
    return ("%s, in what the grader read; but %s, so it cannot tell what came after" % (observed, cut),
            "%s. If that was not the cause: %s" % (PRINT_LESS, hint) if hint else PRINT_LESS)


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
