"""What really happened in one run of a program: immutable facts, and the questions checks ask.

A Trace is built from the instrumentation's records (who printed which line when, which process
started which) and the supervisor's outcome (how the run ended, what was left running). Checks
read a Trace; they never parse raw output or start a process themselves.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Iterator, Optional

# Kinds of process, as a teacher names them.
MAIN = "main"
PROCESS = "process"          # a multiprocessing child running the learner's code
POOL_WORKER = "pool worker"
MANAGER = "manager"          # a Manager()'s server process
HELPER = "helper"            # forkserver, resource tracker: the library's, not the learner's
FORKED = "forked"            # a raw os.fork() child
OTHER = "other"

LEARNER_KINDS = (MAIN, PROCESS, POOL_WORKER, FORKED, OTHER)

_HELPER_ARGV = ("forkserver", "resource_tracker", "semaphore_tracker")


@dataclass(frozen=True)
class Line:
    """One line a process wrote to stdout or stderr."""

    index: int        # position among all lines of the run (their real order)
    pid: int
    t: float          # seconds since the program started (real time)
    stream: str       # "out" or "err"
    thread: str
    text: str
    end: str          # "\n", "\r" or "" (cut off at exit)


@dataclass(frozen=True)
class Proc:
    """One process of the program's tree."""

    pid: int
    kind: str
    os_ppid: Optional[int]           # the parent the OS reports (the forkserver, under forkserver)
    parent: Optional[int]            # the process that started it (multiprocessing's parent)
    name: Optional[str] = None       # multiprocessing's name, e.g. "Process-1"
    target: Optional[str] = None     # "module:function" the child ran
    daemon: bool = False
    started: Optional[float] = None  # seconds since the program started
    ended: Optional[float] = None    # when it finished its work (None: killed or still running)
    exitcode: Optional[int] = None   # what the child itself returned (None: it never returned)
    parent_saw: Optional[int] = None  # the exit code its parent observed (e.g. -15 after terminate)
    argv: tuple[str, ...] = ()
    max_rss_kb: int = 0              # its peak memory, when it reported one at its end
    idle_polls: int = 0              # most calls in a row that found a Manager queue empty, no wait between

    @property
    def finished_normally(self) -> bool:
        return self.exitcode == 0


@dataclass(frozen=True)
class Crash:
    """An uncaught exception, as its traceback was printed by the process that raised it."""

    pid: int
    exception: str    # the last line, e.g. "RuntimeError: An attempt has been made..."
    traceback: str

    @property
    def type_name(self) -> str:
        return self.exception.split(":", 1)[0].strip()


@dataclass(frozen=True)
class TaskError:
    """An exception raised by (or while sending) a Pool task: kept in its AsyncResult, and lost
    unless the program called get() or gave an error_callback."""

    pid: int          # the process that owns the pool
    exception: str    # "RuntimeError: Queue objects should only be shared..."
    traceback: str    # the worker's traceback, when it ran there


@dataclass(frozen=True)
class Spin:
    """A thread that burned CPU without ever sleeping for a while, once its process ran the
    learner's code (the supervisor's measure: see supervisor.Spinning)."""

    pid: int
    seconds: float          # how long it was seen awake without a sleep (real time)
    cpu_seconds: float      # CPU it used meanwhile
    function: str = ""      # where it spun, its innermost frame in the learner's file...
    line_number: int = 0
    code: str = ""          # ...and that line of the program, as written


@dataclass(frozen=True)
class Outcome:
    """How the run ended, as the supervisor saw it."""

    reason: str  # exited | stopped | timeout | stalled | flood | disk | crash loop | supervisor killed
    returncode: Optional[int]        # main's exit status (negative: killed by that signal)
    duration: float                  # seconds from start to main's end (or the stop)
    budget: float
    leftovers: tuple[dict, ...] = ()  # still running after main ended (pid, ppid, cmdline)
    remaining: tuple[dict, ...] = ()  # still running after the kill: must be empty
    peak_rss_kb: tuple[tuple[int, int], ...] = ()  # (pid, KiB) as the supervisor sampled them
    strays: tuple[str, ...] = ()      # files it left outside its folder (removed since)
    stall_after: float = 0.0          # seconds of total stillness after which a run is stopped
    spins: tuple[Spin, ...] = ()      # threads seen spinning, first first
    written_bytes: int = 0            # what its processes wrote (files, pipes), as the supervisor sampled it

    @property
    def hung(self) -> bool:
        """Stopped by the grader because it would not end: its budget ran out, or it stalled."""
        return self.reason in ("timeout", "stalled")

    def why_stopped(self) -> str:
        """For a check's message: how a run that hung was stopped."""
        if self.reason == "stalled":
            # no duration: the same program must get the same message on every run
            return ("it stopped moving and was stopped: for %.0f s its processes had printed nothing "
                    "and used next to no CPU, all waiting for something that never came" % self.stall_after)
        return "it was still running after %.1f s and was stopped" % self.budget


@dataclass(frozen=True)
class Trace:
    main_pid: int
    procs: tuple[Proc, ...]
    lines: tuple[Line, ...]
    opened_for_writing: tuple[tuple[int, str], ...]
    outcome: Outcome
    warp: float = 1.0
    start_method: str = ""
    stacks: tuple[tuple[int, str], ...] = ()
    flooded: tuple[int, ...] = ()
    task_errors: tuple[TaskError, ...] = ()
    tasks_done: int = 0               # pool tasks (or map chunks) that came back, whatever their result
    lost_lines: tuple[tuple[int, int], ...] = ()  # (pid, n): lines written where nobody saw them

    # --- processes -------------------------------------------------------------------------
    @property
    def main(self) -> Proc:
        return self.proc(self.main_pid) or Proc(self.main_pid, MAIN, None, None)

    def proc(self, pid: int) -> Optional[Proc]:
        return next((p for p in self.procs if p.pid == pid), None)

    def procs_of_kind(self, *kinds: str) -> list[Proc]:
        return [p for p in self.procs if p.kind in kinds]

    def children_of(self, pid: int, kinds: Iterable[str] = (PROCESS, POOL_WORKER, FORKED, OTHER)) -> list[Proc]:
        """The processes that `pid` started itself (helpers and managers left out by default)."""
        wanted = tuple(kinds)
        return [p for p in self.procs if p.parent == pid and p.kind in wanted]

    def learner_procs(self) -> list[Proc]:
        return [p for p in self.procs if p.kind in LEARNER_KINDS]

    def describe(self, pid: Optional[int]) -> str:
        """How a teacher names a process in a message: "main (pid 4711)", "child Process-1 (pid 4712)"."""
        if pid is None:
            return "no process"
        proc = self.proc(pid)
        if proc is None:
            return "pid %d" % pid
        if proc.kind == MAIN:
            return "main (pid %d)" % pid
        label = {PROCESS: "child", POOL_WORKER: "pool worker", MANAGER: "manager", HELPER: "helper",
                 FORKED: "forked child", OTHER: "process"}[proc.kind]
        if proc.name and proc.kind in (PROCESS, POOL_WORKER):
            return "%s %s (pid %d)" % (label, proc.name, pid)
        if proc.kind == HELPER:
            argv = " ".join(proc.argv)
            label = "the forkserver" if "forkserver" in argv else \
                    "the resource tracker" if "tracker" in argv else "a multiprocessing helper"
        return "%s (pid %d)" % (label, pid)

    @property
    def did_anything(self) -> bool:
        """False for a program that printed nothing, started no process and exited 0: a
        pristine stub, or one whose TODOs are still empty."""
        return bool(self.lines) or len(self.learner_procs()) > 1 or self.outcome.returncode != 0

    # --- output ----------------------------------------------------------------------------
    def lines_by(self, pid: int, stream: str = "out") -> list[Line]:
        return [line for line in self.lines if line.pid == pid and line.stream == stream]

    def out(self) -> list[Line]:
        """Every stdout line, in the order they were written."""
        return [line for line in self.lines if line.stream == "out"]

    def matching(self, pattern: "re.Pattern[str] | str", stream: str = "out") -> list[Line]:
        regex = re.compile(pattern) if isinstance(pattern, str) else pattern
        return [line for line in self.lines if line.stream == stream and regex.search(line.text)]

    def printers(self, lines: Iterable[Line]) -> list[int]:
        """The distinct pids that printed these lines, in order of first appearance."""
        return list(dict.fromkeys(line.pid for line in lines))

    def repeated_texts(self, minimum: int = 2) -> list[tuple[str, int]]:
        """Distinct stdout texts printed at least `minimum` times, most frequent first."""
        counts = Counter(line.text.strip() for line in self.out() if line.text.strip())
        return [(text, n) for text, n in counts.most_common() if n >= minimum]

    def crashes(self) -> list[Crash]:
        """Every uncaught exception printed to stderr, one per traceback."""
        found = []
        for pid in self.printers(line for line in self.lines if line.stream == "err"):
            found.extend(_tracebacks(pid, [line.text for line in self.lines_by(pid, "err")]))
        return found

    def stderr_text(self, pid: Optional[int] = None) -> str:
        return "\n".join(line.text for line in self.lines
                         if line.stream == "err" and (pid is None or line.pid == pid))

    # --- time ------------------------------------------------------------------------------
    def virtual(self, seconds: float) -> float:
        """Real seconds as the program's own clock counts them (time.sleep is scaled by warp)."""
        return seconds / self.warp if self.warp else seconds

    @staticmethod
    def max_overlap(intervals: Iterable[tuple[float, float]]) -> int:
        """The largest number of intervals that are open at the same instant."""
        events = []
        for start, end in intervals:
            events.append((start, 1))
            events.append((end, -1))
        events.sort(key=lambda e: (e[0], e[1]))  # an end before a start at the same instant
        best = current = 0
        for _, delta in events:
            current += delta
            best = max(best, current)
        return best

    def stack_of(self, pid: int) -> str:
        return next((text for p, text in self.stacks if p == pid), "")


def _tracebacks(pid: int, texts: list[str]) -> Iterator[Crash]:
    for i, text in enumerate(texts):
        if not text.startswith("Traceback (most recent call last)"):
            continue
        j = i + 1
        while j < len(texts) and (texts[j].startswith((" ", "\t")) or not texts[j]):
            j += 1  # the frames
        if j >= len(texts):
            yield Crash(pid, "(traceback cut off)", "\n".join(texts[i:]))
            continue
        k = j + 1
        while k < len(texts) and (texts[k].startswith((" ", "\t")) or not texts[k].strip()):
            k += 1  # an exception message that runs over several lines
        message = " ".join(" ".join(texts[j:k]).split())
        yield Crash(pid, message, "\n".join(texts[i:k]))


# --- building a trace from the records --------------------------------------------------------

@dataclass
class _ProcFacts:
    pid: int
    first_seen: float
    os_ppid: Optional[int] = None
    parent: Optional[int] = None
    argv: tuple[str, ...] = ()
    exec_: bool = False
    forked: bool = False
    mp: dict = field(default_factory=dict)
    spawned: dict = field(default_factory=dict)   # the parent's word: who started it, to run what
    mp_end: Optional[tuple[float, int]] = None
    exit_at: Optional[float] = None
    rss_kb: int = 0
    idle_polls: int = 0
    parent_saw: Optional[int] = None
    last_seen: float = 0.0


def parse_records(raw: bytes) -> list[dict]:
    records = []
    for chunk in raw.splitlines():
        try:
            record = json.loads(chunk)
        except ValueError:
            continue  # a record cut off by a kill
        if isinstance(record, dict) and isinstance(record.get("pid"), int):
            records.append(record)
    return records


def build_trace(records: list[dict], main_pid: int, started: float, outcome: Outcome,
                warp: float = 1.0, start_method: str = "",
                stacks: tuple[tuple[int, str], ...] = ()) -> Trace:
    facts: dict[int, _ProcFacts] = {}
    lines: list[Line] = []
    opened: list[tuple[int, str]] = []
    flooded: list[int] = []
    task_errors: list[TaskError] = []
    tasks_done = 0
    lost: dict[int, int] = {}

    def fact(pid: int, t: float) -> _ProcFacts:
        if pid not in facts:
            facts[pid] = _ProcFacts(pid, t)
        facts[pid].last_seen = max(facts[pid].last_seen, t)
        return facts[pid]

    # Records arrive over one connection per process: put them in the order they happened (each
    # carries the sender's CLOCK_MONOTONIC time, one clock for the whole machine).
    for record in sorted(records, key=lambda r: float(r.get("t", started))):
        pid, t, ev = record["pid"], float(record.get("t", started)) - started, record.get("ev")
        f = fact(pid, t)
        if ev == "exec":
            f.exec_, f.os_ppid, f.argv = True, record.get("ppid"), tuple(record.get("argv") or ())
        elif ev == "fork":
            f.forked, f.os_ppid = True, record.get("ppid")
        elif ev == "mp_start":
            f.mp = {"t": t, "parent": record.get("parent"), "name": record.get("name"),
                    "target": record.get("target"), "daemon": bool(record.get("daemon"))}
        elif ev == "mp_end":
            f.mp_end = (t, record.get("exitcode"))
            f.rss_kb = int(record.get("rss_kb") or 0)
            f.idle_polls = max(f.idle_polls, int(record.get("idle_polls") or 0))
        elif ev == "exit":
            f.exit_at = t
            f.rss_kb = max(f.rss_kb, int(record.get("rss_kb") or 0))
            f.idle_polls = max(f.idle_polls, int(record.get("idle_polls") or 0))
        elif ev == "task_done":
            tasks_done += 1
        elif ev == "task_error":
            task_errors.append(TaskError(pid, str(record.get("exc", "")), str(record.get("tb", ""))))
        elif ev == "spawned":
            child = fact(record.get("child"), t)
            child.spawned = {"parent": pid, "name": record.get("name"), "target": record.get("target")}
        elif ev == "reaped":
            child = fact(record.get("child"), t)
            child.parent_saw = record.get("exitcode")
        elif ev == "line" and record.get("lost"):
            lost[pid] = lost.get(pid, 0) + 1   # its fd 1 or 2 led elsewhere (/dev/null, a file)
        elif ev == "line":
            lines.append(Line(len(lines), pid, t, "err" if record.get("s") == "e" else "out",
                              str(record.get("th", "")), str(record.get("x", "")), str(record.get("end", ""))))
        elif ev == "open":
            opened.append((pid, str(record.get("path", ""))))
        elif ev == "flood":
            flooded.append(pid)

    for pid, kb in outcome.peak_rss_kb:
        if pid in facts:
            facts[pid].rss_kb = max(facts[pid].rss_kb, kb)
    # A process is one that spoke for itself: what others said of a pid (spawned, reaped) only
    # describes a process that also sent its own records.
    senders = {record["pid"] for record in records}
    procs = tuple(_classify(f, main_pid, outcome) for f in facts.values() if f.pid in senders)
    if not any(p.pid == main_pid for p in procs):
        procs = (Proc(main_pid, MAIN, None, None, started=0.0, ended=outcome.duration),) + procs
    return Trace(main_pid, procs, tuple(lines), tuple(opened), outcome, warp, start_method,
                 stacks, tuple(flooded), tuple(task_errors), tasks_done, tuple(sorted(lost.items())))


def _classify(f: _ProcFacts, main_pid: int, outcome: Outcome) -> Proc:
    if f.pid == main_pid:
        ended = f.exit_at if f.exit_at is not None else (outcome.duration if outcome.reason == "exited" else None)
        return Proc(f.pid, MAIN, f.os_ppid, None, started=f.first_seen, ended=ended,
                    exitcode=outcome.returncode if outcome.reason == "exited" else None, argv=f.argv,
                    max_rss_kb=f.rss_kb, idle_polls=f.idle_polls)
    # What the child said of itself when it ran; else what its parent said when it started it
    # (a pool worker can be stopped before it ever runs).
    mp = f.mp or f.spawned
    target = mp.get("target") or ""
    if mp:
        if target.startswith("multiprocessing.pool:"):
            kind = POOL_WORKER
        elif target.startswith("multiprocessing.managers:"):
            kind = MANAGER
        elif target.startswith("multiprocessing."):
            kind = HELPER
        else:
            kind = PROCESS
    elif any(marker in arg for arg in f.argv for marker in _HELPER_ARGV):
        kind = HELPER
    elif "--multiprocessing-fork" in f.argv:
        kind = PROCESS  # a spawn child that died before running its target
    elif f.forked:
        kind = FORKED
    else:
        kind = OTHER
    parent = mp.get("parent") if mp else f.os_ppid
    ended, exitcode = (f.mp_end if f.mp_end else (None, None))
    return Proc(f.pid, kind, f.os_ppid, parent, name=mp.get("name"), target=target or None,
                daemon=bool(f.mp.get("daemon")), started=f.mp.get("t", f.first_seen),
                ended=ended, exitcode=exitcode, parent_saw=f.parent_saw, argv=f.argv,
                max_rss_kb=f.rss_kb, idle_polls=f.idle_polls)
