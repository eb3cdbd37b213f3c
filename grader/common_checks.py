"""Checks every exercise shares: nothing crashed, the program ended by itself, nothing was left
running. Each suite declares its own check and calls these, so titles and points stay in the suite.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Iterable, Optional

from . import sandbox
from .checks import fail, quote
from .i18n import N_, _, ngettext
from .trace import HELPER, MANAGER, Crash, Outcome, Proc, StartError, Trace, dump_frames, file_name

# What a known crash means for a beginner, keyed on the exception's last line.
CRASH_HINTS: tuple[tuple[str, str], ...] = (
    ("bootstrapping phase",
     N_("put the code that starts processes under `if __name__ == \"__main__\":`. Under spawn (and "
     "forkserver) every child imports your file again, and code outside the guard runs again there")),
    ("Can't get attribute",
     N_("a function a child runs must be defined at the top level of the file, outside "
     "`if __name__ == \"__main__\":` and outside other functions: the child looks it up by name")),
    ("local object",
     N_("a child can only run a function defined at the top level of the file (it is sent by name)")),
    ("should only be shared between processes through inheritance",
     N_("a plain multiprocessing.Queue cannot be passed to a Pool task; create the queue with "
     "multiprocessing.Manager().Queue()")),
    ("NotImplementedError", N_("finish the TODO this line points to")),
    ("is not UTF-8",
     N_("save the file as UTF-8 (your editor's \"save with encoding\"), or name its encoding on its "
     "first line, `# -*- coding: gbk -*-`")),
    ("TabError",
     N_("this block mixes tabs and spaces: indent every line with spaces only (4 per level)")),
    ("SyntaxError", N_("fix the syntax error at the line shown: Python reads the whole file before it runs any of it")),
    ("IndentationError", N_("fix the indentation at the line shown")),
    ("ModuleNotFoundError", N_("check the spelling of the module's name in the import at the line shown")),
    ("NameError", N_("a name is used before it is defined, or is misspelt: check the spelling at the line shown")),
)


def crash_hint(crash: Crash) -> str:
    return _hint_for(crash.exception)


# A program that did not start, by its exception and the learner's line it stopped at.
START_HINTS: tuple[tuple[str, str, str], ...] = (
    ("IndexError", "sys.argv[",
     N_("sys.argv[1] exists only when the program is given an argument; run without one (python "
        "ex07_folder_copier.py), it must ask for the name: `src = input(\"请输入要copy的文件夹的名字：\")`")),
)


def start_hint(error: StartError) -> str:
    """The hint for a program that did not start."""
    for exception, code, hint in START_HINTS:
        if error.type_name == exception and code in error.code:
            return _(hint)
    return _hint_for("%s: %s" % (error.type_name, error.message))


def _hint_for(exception: str) -> str:
    for needle, hint in CRASH_HINTS:
        if needle in exception:
            return _(hint)
    return _("read the traceback: the last line names the error, the line above it where it happened")


def not_idle(trace: Trace) -> None:
    if not trace.did_anything:
        fail(expected=_("the program runs: it prints and starts processes"),
             observed=_("it printed nothing, started no process and exited at once"),
             hint=_("fill in the TODOs of the exercise file"))


def no_crash(trace: Trace) -> None:
    not_idle(trace)
    crashes = trace.crashes()
    if crashes:
        first = crashes[0]
        where = trace.describe(first.pid)
        own = [f for f in first.frames() if f.in_program(trace.program)]
        exception = quote(first.exception, 160)
        if own and own[-1].code:
            observed = _("{who} crashed at line {line}, {code}, with {exception}").format(
                who=where, line=own[-1].line, code=quote(own[-1].code, 100), exception=exception)
        elif own:
            observed = _("{who} crashed at line {line} with {exception}").format(
                who=where, line=own[-1].line, exception=exception)
        else:
            observed = _("{who} crashed with {exception}").format(who=where, exception=exception)
        fail(expected=_("no process ends with an uncaught exception"),
             observed=and_more(observed, len(crashes) - 1), hint=crash_hint(first))


def and_more(observed: str, more: int) -> str:
    """A message about the first of several things, with how many more there were."""
    if more <= 0:
        return observed
    return ngettext("{observed} (and {count} more)", "{observed} (and {count} more)", more).format(
        observed=observed, count=more)


def learner_leftovers(trace: Trace) -> list[dict]:
    """Processes still running after main ended, other than the library's own helpers."""
    helpers = {p.pid for p in trace.procs_of_kind(HELPER, MANAGER)}
    return [p for p in trace.outcome.leftovers if p["pid"] not in helpers]


def ended_by_itself(trace: Trace, expected_code: Optional[int] = 0) -> None:
    not_idle(trace)
    outcome = trace.outcome
    if outcome.hung:
        fail(expected=_("the program ends by itself"),
             observed=outcome.why_stopped() + footprint(outcome) + hang_diagnosis(trace),
             hint=_("look for a loop without an end, or a get()/join() that waits for something "
                    "that never comes"))
    if outcome.reason == "supervisor killed":
        fail(expected=_("the program ends by itself"),
             observed=_("it killed the grader's supervisor (its parent), so the grader stopped it"),
             hint=_("a program must not signal its parent or processes it did not start"))
    if outcome.reason == "crash loop":
        crashes = trace.crashes()
        observed = (ngettext("its processes kept crashing ({count} traceback, the first: {exception}), so it was stopped",
                             "its processes kept crashing ({count} tracebacks, the first: {exception}), so it was stopped",
                             len(crashes)).format(count=len(crashes), exception=quote(crashes[0].exception, 120))
                    if crashes else _("its processes kept crashing (0 tracebacks), so it was stopped"))
        fail(expected=_("the program ends by itself"), observed=observed,
             hint=crash_hint(crashes[0]) if crashes else _("read the first traceback"))
    if outcome.reason == "flood":
        fail(expected=_("the program ends by itself"),
             observed=_("it printed more than the grader reads and was stopped"),
             hint=_("look for a loop that prints without a pause or an end"))
    if outcome.reason == "disk":
        fail(expected=_("the program writes only what the exercise needs"),
             observed=_("its processes wrote more than {mib} MiB and it was stopped").format(mib=sandbox.WRITE_CAP_BYTES >> 20),
             hint=_("look for a loop that writes without an end"))
    if outcome.strays:
        fail(expected=_("the program writes only inside its own folder"),
             observed=_("it left {files} outside its folder (the grader removed them)").format(
                 files=listed(outcome.strays[:3])),
             hint=_("write next to the program or into the destination folder only"))
    if expected_code is not None and outcome.returncode != expected_code:
        fail(expected=_("main exits with code {code}").format(code=expected_code),
             observed=_("main exited with code {code}").format(code=outcome.returncode),
             hint=_("an uncaught exception or sys.exit(n) in main gives a non-zero exit code"))
    left = learner_leftovers(trace)
    if left:
        shown = listed(_("pid {pid} ({command})").format(pid=p["pid"], command=" ".join(p["cmdline"])[:60])
                       for p in left[:3])
        fail(expected=_("nothing of the program still runs after main ends"),
             observed=_("still running after main ended: {processes}").format(processes=shown),
             hint=_("join() the processes you start, and do not detach them (no setsid, no double fork)"))


def listed(items: Iterable[str]) -> str:
    """Evidence values (paths, processes) in a list; the separator is itself a message."""
    return _(", ").join(items)


def sentences(parts: list[str]) -> str:
    """Whole sentences, one after the other (how they follow each other is itself a message:
    Chinese puts no space between them)."""
    text = parts[0]
    for sentence in parts[1:]:
        text = _("{sentence} {next}").format(sentence=text, next=sentence)
    return text


def missed_puts(puts: list, calls: list, ended: Optional[float]) -> list:
    """The puts a reader that has ended could no longer get: those that returned after its last
    call on the queue (after its end, if it made none). Judged by its last call, not by its end:
    under load a writer can put everything between a reader's last look and the record of its end."""
    if ended is None:
        return []
    after = calls[-1].t if calls else ended
    return [op for op in puts if op.t > after]


def writer_still_putting(writer: str, items: list[str]) -> str:
    """Evidence that a reader ended early: the items the writer (as the trace names it) put after
    the reader's last call on the queue (missed_puts)."""
    return _("The writer, {who}, put {items} after the reader's last call on the queue, and the reader ended "
             "without asking again.").format(who=writer, items=", ".join(items))


def found_nothing(op) -> str:
    """A reader's last call on its queue, when it found the queue empty: a question (empty(),
    qsize()) and its answer, or a get (with its timeout, if it had one) that raised queue.Empty;
    "" for any other call."""
    if op.op in ("empty", "qsize"):
        return _("Its last call on the queue was {call}, and it answered {answer}.").format(call=op.call,
                                                                                            answer=op.outcome)
    if op.op == "get" and op.outcome == "Empty" and op.timeout is not None:
        return _("Its last call on the queue was {call} with a timeout of {seconds} s, and it raised "
                 "queue.Empty.").format(call=op.call, seconds="%g" % op.timeout)
    if op.op == "get" and op.outcome == "Empty":
        return _("Its last call on the queue was {call}, and it raised queue.Empty.").format(call=op.call)
    return ""


def clauses(items: Iterable[str]) -> str:
    """Whole clauses in one sentence, separated by a semicolon (itself a message)."""
    return _("; ").join(items)


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
    fail(expected=_("every process of the program stays in its tree: started by main or by a process "
                    "of main's, in main's session, and waited for by its parent"),
         observed=and_more(clauses(trace.describe_detached(d) for d in detached[:3]), len(detached[3:])),
         hint=_("start processes with multiprocessing.Process and join() them; a process that calls "
                "os.setsid(), is started with start_new_session=True or is forked twice on purpose is a "
                "daemon, which this exercise does not ask for"))




WAITS = N_("every process waits without using a CPU: time.sleep(), get() and join() sleep until their moment comes")


def waits_without_spinning(trace: Trace) -> None:
    """No process of the learner's spun where it should have waited: asked the same question again
    and again (a queue, a pool task, a child, the clock) with no wait in between (see Poller). A
    process that only computes asks none of them, and is not taken for a spinner by the CPU it
    used: a pool task that computes instead of sleeping is work, and so is a program's own scan."""
    not_idle(trace)
    for poller in POLLERS:
        polled(trace, poller)


# questions in a row with no wait between that make a spin: 0-1 in a program that waits between
# two questions, tens of thousands in `while not r.ready(): pass`
POLLS_LIMIT = 100
# the clock read in a row with no wait between: a program that times its work reads it twice a
# task; a loop that watches it for 50 ms of a warped second, tens of thousands of times
CLOCK_READS_LIMIT = 1000


@dataclass(frozen=True)
class Poller:
    """A question a loop can ask again and again without waiting: counted by the instrumentation
    (calls in a row that found nothing new, with no wait between), which no load can hide (a
    measure of the time a thread stays awake missed short spins on a busy machine, and took work
    for a spin). The three sentences: without a line, at a line of the program's top level, in a
    function."""

    counts: Callable[[Proc], tuple[int, tuple[str, int]]]   # a process's count and (function, line)
    sentences: tuple[str, str, str]
    hint: str
    limit: int = POLLS_LIMIT


POLLERS = (
    # a pool task's ready(): the hold lets the tasks start at main's first ready(), so a spin on it
    # lasts only while they run (seen passing the supervisor's measure 1 in 20 at load 20)
    Poller(lambda p: p.asked_most("ready"),
           (N_("{who} asked a pool task {count} times in a row whether it was done (ready()), "
               "and never waited in between"),
            N_("{who} asked a pool task {count} times in a row whether it was done (ready()), "
               "and never waited in between, at line {line}: {code}"),
            N_("{who} asked a pool task {count} times in a row whether it was done (ready()), "
               "and never waited in between, at line {line}, in `{function}()`: {code}")),
           N_("drop the loop on ready(): pool.close() then pool.join() wait for every task, and a "
              "result's get() for its own, without keeping a CPU busy that the workers need")),
    # a queue's empty(), qsize(), get_nowait() (missed by the supervisor's measure 1 in 25 at load 22-32)
    Poller(lambda p: p.asked_most("idle"),
           (N_("{who} asked a queue {count} times in a row whether something was there (empty(), "
               "qsize() or get_nowait()), found nothing each time, and never waited in between"),
            N_("{who} asked a queue {count} times in a row whether something was there (empty(), "
               "qsize() or get_nowait()), found nothing each time, and never waited in between, "
               "at line {line}: {code}"),
            N_("{who} asked a queue {count} times in a row whether something was there (empty(), "
               "qsize() or get_nowait()), found nothing each time, and never waited in between, "
               "at line {line}, in `{function}()`: {code}")),
           N_("drop the loop on empty(): q.get() waits until an item is there, without keeping a CPU busy "
              "that the other processes need (get(timeout=...) when it must not wait for ever)")),
    # a child's is_alive() found True (missed 3 in 25 at load 28-57)
    Poller(lambda p: p.asked_most("alive"),
           (N_("{who} asked a child {count} times in a row whether it was still running (is_alive()), "
               "and never waited in between"),
            N_("{who} asked a child {count} times in a row whether it was still running (is_alive()), "
               "and never waited in between, at line {line}: {code}"),
            N_("{who} asked a child {count} times in a row whether it was still running (is_alive()), "
               "and never waited in between, at line {line}, in `{function}()`: {code}")),
           N_("drop the loop on is_alive(): p.join() waits until the child has ended, without keeping a CPU "
              "busy that the child needs")),
    # the clock, from the program's own file (`while time.time() - t0 < 1: pass`): a program that
    # waits reads it a few times per line it prints; one that computes, not at all
    Poller(lambda p: p.asked_most("clock"),
           (N_("{who} read the clock {count} times in a row (time.time(), time.monotonic() or "
               "time.perf_counter()) and never waited in between"),
            N_("{who} read the clock {count} times in a row (time.time(), time.monotonic() or "
               "time.perf_counter()) and never waited in between, at line {line}: {code}"),
            N_("{who} read the clock {count} times in a row (time.time(), time.monotonic() or "
               "time.perf_counter()) and never waited in between, at line {line}, in `{function}()`: {code}")),
           N_("a loop that watches the clock until its moment comes (`while time.time() - start < 1: pass`) "
              "keeps a CPU busy for nothing and slows the other processes: time.sleep(seconds) waits that "
              "long without using one"),
           limit=CLOCK_READS_LIMIT),
)


def polled(trace: Trace, poller: Poller) -> None:
    """Fails when a learner's process asked `poller`'s question `limit` times in a row or more."""
    pollers = [p for p in trace.learner_procs() if poller.counts(p)[0] >= poller.limit]
    if not pollers:
        return
    proc = max(pollers, key=lambda p: poller.counts(p)[0])
    count, (function, line) = poller.counts(proc)
    code = trace.source[line - 1].strip() if 0 < line <= len(trace.source) else ""
    values = dict(who=trace.describe(proc.pid), count=count, line=line, function=function, code=quote(code, 100))
    plain, at_line, in_function = poller.sentences
    sentence = plain if not line else at_line if function in ("", "<module>") else in_function
    fail(expected=_(WAITS), observed=_(sentence).format(**values), hint=_(poller.hint))


FOOTPRINT_STEP_MIB = 100   # memory and writes told in whole hundreds of MiB: the same words from run to run


def footprint(outcome: Outcome) -> str:
    """For a run stopped by its budget: the memory it held and what it wrote, when far beyond what
    the exercises need. A memory or disk hog is stopped by its limit only when it gets there in
    time: on a busy machine its budget runs out first, and this still names what it was doing."""
    peak = max((kb for _pid, kb in outcome.peak_rss_kb), default=0) >> 10
    wrote = outcome.written_bytes >> 20
    held = peak >= 2 * FOOTPRINT_STEP_MIB
    wrote_much = wrote >= 2 * FOOTPRINT_STEP_MIB
    values = dict(memory=peak // FOOTPRINT_STEP_MIB * FOOTPRINT_STEP_MIB, written=wrote // FOOTPRINT_STEP_MIB * FOOTPRINT_STEP_MIB)
    if held and wrote_much:
        return _("; by then one of its processes held more than {memory} MiB of memory and its processes "
                 "wrote more than {written} MiB (to disk or pipes)").format(**values)
    if held:
        return _("; by then one of its processes held more than {memory} MiB of memory").format(**values)
    if wrote_much:
        return _("; by then its processes wrote more than {written} MiB (to disk or pipes)").format(**values)
    return ""



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
            spot = _where_waiting(trace.describe(proc.pid), dumps[proc.pid], trace.program, lines)
            if spot:
                parts.append(spot)
        elif proc.ended is not None or proc.exitcode is not None or proc.parent_saw is not None:
            parts.append(_("{who} had ended").format(who=trace.describe(proc.pid)))
    parts = parts[:6]
    if trace.task_errors:
        first = trace.task_errors[0]
        parts.append(and_more(_("a pool task had failed with {exception}, an error apply_async kept to itself").format(
            exception=quote(first.exception, 160)), len(trace.task_errors) - 1))
    return (_("; ") + clauses(parts)) if parts else ""


def _where_waiting(who: str, dump: str, program: str, source: list[str]) -> str:
    """One process's place in its stack dump: "main (pid 1) was waiting in `q.get()` (line 30)"."""
    threads = [dump_frames(block) for block in dump.split("\n\n")]
    threads = [frames for frames in threads if frames]
    if not threads:
        return ""
    # the thread that runs the learner's code (a queue's feeder thread runs none of it)
    frames = next((f for f in threads if any(x.in_program(program) for x in f)), threads[0])
    own = next((f for f in frames if f.in_program(program)), None)    # innermost first
    if own is None:
        if any(f.function == "worker" and f.path.endswith("pool.py") for f in frames):
            return _("{who} was idle in its pool, running none of your code").format(who=who)
        library = next((f for f in frames if not f.in_instrumentation), frames[0])
        values = dict(who=who, function=library.function, module=file_name(library.path), file=program)
        if program:
            return _("{who} was in `{function}()` of {module}, in no line of {file}").format(**values)
        return _("{who} was in `{function}()` of {module}, in no line of your file").format(**values)
    code = source[own.line - 1].strip() if 0 < own.line <= len(source) else ""
    # innermost in the learner's own file: it was running its own code (a loop), not waiting
    values = dict(who=who, code=quote(code, 100) if code else "`%s()`" % own.function, line=own.line)
    if frames[0] is own:
        return _("{who} was running {code} (line {line})").format(**values)
    return _("{who} was waiting in {code} (line {line})").format(**values)


def numbers(text: str) -> list[int]:
    return [int(n) for n in re.findall(r"\d+", text)]


PRINT_LESS = N_("print less: a line per step of the work, not thousands in a loop without a pause")


def output_complete(trace: Trace, needed: str) -> None:
    """Fail when the grader did not read all the program printed and `needed` (what the check
    must see, "the last progress value") may lie in the part it never read."""
    cut = trace.output_cut()
    if cut:
        fail(expected=_("the grader reads the whole output, to see {needed}").format(needed=needed),
             observed=_("{cut}, so the grader cannot tell {needed}").format(cut=cut, needed=needed), hint=_(PRINT_LESS))


def with_cut(cut: str, observed: str, hint: str) -> tuple[str, str]:
    """A failure's observed and hint when the grader read only part of the output (`cut`, from
    Trace.output_cut): what the check missed may be in the part it never read."""
    if not cut or cut in observed:
        return observed, hint
    return (_("{observed}, in what the grader read; but {cut}, so it cannot tell what came after").format(
                observed=observed, cut=cut),
            _("print less: a line per step of the work, not thousands in a loop without a pause. If that "
              "was not the cause: {hint}").format(hint=hint) if hint else _(PRINT_LESS))


KEEP_ENVIRONMENT = N_("start every process with the environment the program was given: one started without "
                      "PYTHONPATH or the PROCGRADE_* variables (os.environ cleared, or env= without them) runs "
                      "without the grader's instrumentation, and nothing it does can be credited")


def with_unobserved(trace: Trace, observed: str, hint: str) -> tuple[str, str]:
    """A failure's observed and hint when a Python process of the program ran to its end without
    sending the grader a single record (Trace.unobserved): what the check looked for may have
    happened there, where the grader could not see."""
    if not trace.unobserved:
        return observed, hint
    pid, argv = trace.unobserved[0]
    who = _("process (pid {pid}, {command})").format(pid=pid, command=quote(" ".join(argv), 60))
    others = len(trace.unobserved) - 1
    if others:
        who = ngettext("{who} and {count} other Python process", "{who} and {count} other Python processes",
                       others).format(who=who, count=others)
    return (_("{observed}; but the grader could not see inside {who}: it ran to its end and sent the grader no "
              "record at all").format(observed=observed, who=who),
            _("{advice}. If that was not the cause: {hint}").format(advice=_(KEEP_ENVIRONMENT), hint=hint)
            if hint else _(KEEP_ENVIRONMENT))


def lost_note(trace: Trace, pid: int) -> str:
    """For a message about what `pid` printed: the lines it wrote that never reached the
    program's output, if any ("" if none)."""
    lost = dict(trace.lost_lines).get(pid, 0)
    return ngettext(" that reached the output: {count} line went where its stdout no longer leads (was file "
                    "descriptor 1 replaced, with os.dup2?)",
                    " that reached the output: {count} lines went where its stdout no longer leads (was file "
                    "descriptor 1 replaced, with os.dup2?)", lost).format(count=lost) if lost else ""


def prints_own_pid(trace: Trace, pid: int, where: str) -> None:
    """`pid` printed a line holding its own pid. `where` says where to call os.getpid()."""
    said = [(line, n) for line in trace.lines_by(pid) for n in numbers(line.text)]
    if any(n == pid for _, n in said):
        return
    who = trace.describe(pid)
    if not said:
        fail(expected=_("{who} prints its own pid, {pid}").format(who=who, pid=pid),
             observed=_("{who} printed no number at all{lost}").format(who=who, lost=lost_note(trace, pid)),
             hint=_("print os.getpid() {where}").format(where=where))
    line, n = said[0]
    values = dict(line=quote(line.text), pid=pid, number=n, whose=trace.describe(n))
    fail(expected=_("{who} prints its own pid, {pid}").format(who=who, pid=pid),
         observed=(_("{line} came from pid {pid}, but {number} is {whose}") if trace.proc(n) else
                   _("{line} came from pid {pid}, but {number} is not a pid of this run")).format(**values),
         hint=_("os.getpid() returns the pid of the process that calls it: call it {where}. A pid read "
                "in another process (main's, p.pid, os.getppid()) is not this one's").format(where=where))
