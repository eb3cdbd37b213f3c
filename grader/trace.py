"""What really happened in one run of a program: immutable facts, and the questions checks ask.

A Trace is built from the instrumentation's records (who printed which line when, which process
started which) and the supervisor's outcome (how the run ended, what was left running). Checks
read a Trace; they never parse raw output or start a process themselves.
"""

from __future__ import annotations

import ast
import json
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Iterable, Iterator, Mapping, Optional

from .i18n import N_, _, ngettext
from .states import StateSpan, program_seconds

# Kinds of process, as a teacher names them.
MAIN = "main"
PROCESS = "process"          # a multiprocessing child running the learner's code
POOL_WORKER = "pool worker"
MANAGER = "manager"          # a Manager()'s server process
HELPER = "helper"            # forkserver, resource tracker: the library's, not the learner's
FORKED = "forked"            # a raw os.fork() child
OTHER = "other"

LEARNER_KINDS = (MAIN, PROCESS, POOL_WORKER, FORKED, OTHER)
# the kinds as a message names them: _(proc.kind)
_KIND_WORDS = (N_("main"), N_("process"), N_("pool worker"), N_("manager"), N_("helper"), N_("forked"), N_("other"))

# The longest line the instrumentation sends (sitecustomize.py: max_text); a longer one is cut.
LINE_TEXT_CAP = 4000
# What the report shows of a program's stderr: its last lines, bounded both ways.
STDERR_TAIL_LINES = 12
STDERR_TAIL_CHARS = 2000

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
    started: Optional[float] = None  # seconds since the program started (when it began to run)
    start_called: Optional[float] = None  # when its parent called start() (spawn boots later)
    ended: Optional[float] = None    # when it finished its work (None: killed or still running)
    exitcode: Optional[int] = None   # what the child itself returned (None: it never returned)
    parent_saw: Optional[int] = None  # the exit code its parent observed (e.g. -15 after terminate)
    reaped_at: Optional[float] = None  # when its parent (join(), is_alive(), os.waitpid) saw it end
    os_exit: Optional[int] = None    # its exit status as the OS gave it (negative: killed by that signal)
    terminate_called: Optional[float] = None  # when its parent called terminate() on it
    terminate_sent: Optional[float] = None    # when that SIGTERM was sent
    given_time: Optional[float] = None  # when its parent first slept after starting it (FIRST_LINE_WAITS runs: ex02, ex03)
    argv: tuple[str, ...] = ()
    max_rss_kb: int = 0              # its peak memory, when it reported one at its end
    # The most questions of each kind it asked in a row with no wait between, and where (function,
    # line of the program's) it asked the 100th: "idle", a queue found empty (empty(),
    # qsize(), get_nowait()); "ready", a pool task found not done; "alive", a child found running
    # (is_alive()); "clock", time.time(), monotonic() or perf_counter() from the program's file.
    asked: Mapping[str, tuple[int, tuple[str, int]]] = field(default_factory=dict, hash=False)

    def asked_most(self, kind: str) -> tuple[int, tuple[str, int]]:
        """(count, (function, line)) of the questions of `kind` it asked in a row (see `asked`)."""
        return self.asked.get(kind, (0, ("", 0)))

    @property
    def finished_normally(self) -> bool:
        return self.exitcode == 0

    @property
    def gone_at(self) -> Optional[float]:
        """When it was over: it ended its work, or (killed: terminate(), a signal) its parent saw
        it end. None: nothing of the program saw it end."""
        return self.ended if self.ended is not None else self.reaped_at


@dataclass(frozen=True)
class Crash:
    """An uncaught exception, as its traceback was printed by the process that raised it."""

    pid: int
    exception: str    # the last line, e.g. "RuntimeError: An attempt has been made..."
    traceback: str

    @property
    def type_name(self) -> str:
        return self.exception.split(":", 1)[0].strip()

    def frames(self) -> list["Frame"]:
        """Its frames, outermost first, as the traceback printed them."""
        return _frames(self.traceback.splitlines())


@dataclass(frozen=True)
class Frame:
    """One frame of a traceback or of a stack dump."""

    path: str
    line: int
    function: str      # "" for the frame of a SyntaxError (Python names no function there)
    code: str = ""     # the line itself, when the traceback quoted it

    def in_program(self, program: str) -> bool:
        """A frame of the learner's own file (by its name; never the instrumentation's files,
        which travel in a folder beside it)."""
        return bool(program) and file_name(self.path) == program and not self.in_instrumentation

    @property
    def in_instrumentation(self) -> bool:
        """A frame of the grader's instrumentation (its folder travels beside the program); the
        path is the platform's own, with `\\` on Windows."""
        return "/instrument/" in self.path.replace("\\", "/")


_STACK_FRAME = re.compile(r'File "([^"]+)", line (\d+) in (\S+)')


_DUMP_ESCAPE = re.compile(r"\\(x[0-9a-f]{2}|u[0-9a-f]{4}|U[0-9a-f]{8})")


def _unescaped(text: str) -> str:
    """faulthandler writes what is not ASCII as escapes (`读数据` as `\\u8bfb\\u6570\\u636e`)."""
    return _DUMP_ESCAPE.sub(lambda m: chr(int(m.group(1)[1:], 16)), text)


def dump_frames(block: str) -> list[Frame]:
    """A faulthandler dump of one thread, innermost frame first. A forked child's stack still
    holds its parent's frames below the child's _bootstrap: they are cut off."""
    frames = [Frame(_unescaped(path), int(line), _unescaped(function))
              for path, line, function in _STACK_FRAME.findall(block)]
    cut = next((i for i, f in enumerate(frames) if f.function == "_bootstrap" and "multiprocessing" in f.path),
               len(frames))
    return frames[:cut]


@dataclass(frozen=True)
class StartError:
    """Why the program did not start: Python could not compile it, or main raised before it
    printed a line or started a process. `line` and `code` point into the learner's file."""

    file: str            # the program's file name, "ex01_two_loops.py"
    type_name: str       # "SyntaxError"
    message: str         # "expected ':'"
    line: Optional[int] = None
    code: str = ""       # the learner's line, stripped
    caret: int = 0       # 1-based column under `code` the error points at (0: none)

    def sentence(self) -> str:
        """The one message the learner gets: "your program did not start: SyntaxError, line 56
        of ex01_two_loops.py: `while True` ← expected ':'"."""
        values = dict(error=self.type_name, file=self.file, message=self.message, line=self.line, code=self.code)
        if self.line is None:
            return _("your program did not start: {error} in {file}: {message}").format(**values)
        if self.code:
            return _("your program did not start: {error}, line {line} of {file}: `{code}` ← {message}").format(**values)
        return _("your program did not start: {error}, line {line} of {file}: {message}").format(**values)

    def excerpt(self) -> tuple[str, ...]:
        """The learner's line with its number, and a caret under the spot, when known."""
        if self.line is None or not self.code:
            return ()
        gutter = "%d | " % self.line
        lines = [gutter + self.code]
        if self.caret > 0:
            # in display columns: a Chinese character takes two on a terminal
            width = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in self.code[:self.caret - 1])
            lines.append(" " * (len(gutter) - 2) + "| " + " " * width + "^")
        return tuple(lines)


@dataclass(frozen=True)
class TaskError:
    """An exception raised by (or while sending) a Pool task: kept in its AsyncResult, and lost
    unless the program called get() or gave an error_callback."""

    pid: int          # the process that owns the pool
    exception: str    # "RuntimeError: Queue objects should only be shared..."
    traceback: str    # the worker's traceback, when it ran there


@dataclass(frozen=True)
class Detached:
    """A process that left the program's tree while main ran, as the supervisor saw it."""

    pid: int               # the pid it knows itself by
    how: str               # "setsid": a session of its own; "orphaned": its parent ended before it
    cmdline: tuple[str, ...] = ()

    def command(self) -> str:
        """Its command line, with file names instead of whole paths."""
        return " ".join(arg.rsplit("/", 1)[-1] for arg in self.cmdline)[:60] or "?"

    def explain(self, who: str) -> str:
        """For a check's message: what this process, named `who`, did, as a teacher says it."""
        if self.how == "setsid":
            return _("{who} left the program's session (os.setsid(), or start_new_session=True): Ctrl+C "
                     "and the end of the program no longer reach it").format(who=who)
        return _("{who} lost its parent while main was running (a double fork, or a process its parent "
                 "did not wait for): nothing of the program waits for it any more").format(who=who)


@dataclass(frozen=True)
class Read:
    """The program read a child's state from its Process object, and got `value`."""

    pid: int          # the process that read it
    child: int
    what: str         # "is_alive" or "exitcode"
    value: object
    t: float


@dataclass(frozen=True)
class QueueOp:
    """One call a process made on one of the program's queues (a multiprocessing.Queue or a
    Manager's queue proxy), seen when it returned."""

    pid: int
    t: float          # seconds since the program started, when the call returned
    queue: str        # the queue's id, the same in every process that uses it
    op: str           # put | get | empty | full | qsize (put_nowait is a put with block False)
    block: bool
    outcome: str      # put/get: "ok", "Empty", "Full" or "error"; a question: its answer, "True"
    item: Optional[str] = None   # a short repr of what was put or got
    began: Optional[float] = None  # when a blocking put or get that waited a while was called
    timeout: Optional[float] = None  # the timeout a blocking put or get asked for, in the program's seconds

    @property
    def moved(self) -> bool:
        """An item went in (put) or came out (get)."""
        return self.op in ("put", "get") and self.outcome == "ok"

    @property
    def value(self) -> str:
        """The item as the learner would write it bare: 'A' -> A, 5 -> 5."""
        try:
            literal = ast.literal_eval(self.item or "")
        except (ValueError, SyntaxError):
            return self.item or ""
        return literal if isinstance(literal, str) else repr(literal)

    @property
    def call(self) -> str:
        """As the learner wrote the call: put_nowait(), get(), empty()."""
        if self.op in ("put", "get") and not self.block:
            return "%s_nowait()" % self.op
        return "%s()" % self.op


@dataclass(frozen=True)
class Task:
    """One task a pool worker ran (apply_async's function, or one chunk of a map)."""

    pid: int                 # the pool worker that ran it
    job: int                 # the pool's number for it (one per apply_async)
    function: str            # "module:qualname"
    args: str                # a short repr of its arguments
    started: float
    ended: Optional[float]   # None: it never returned (the worker was stopped)
    ok: bool = False         # returned without raising

    @property
    def name(self) -> str:
        return self.function.split(":", 1)[-1]


@dataclass(frozen=True)
class SentTask:
    """A task the program handed to a pool with apply_async (it may never have run)."""

    pid: int                 # the process that owns the pool
    t: float
    job: int
    function: str
    args: str


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
    seen: tuple[tuple[int, tuple[str, ...]], ...] = ()  # (pid, command line) of each process it saw
    strays: tuple[str, ...] = ()      # files it left outside its folder (removed since)
    stall_after: float = 0.0          # seconds of total stillness after which a run is stopped
    exits: tuple[tuple[int, int, Optional[float]], ...] = ()  # (pid, exit status, when) the supervisor reaped
    detached: tuple[Detached, ...] = ()  # processes that left the tree while main ran
    written_bytes: int = 0            # what its processes wrote (files, pipes), as the supervisor sampled it
    supervisor_cpu: float = 0.0       # CPU-seconds the supervisor itself used (the grader's cost: benches)
    # (when, seconds waited so far): the time the machine kept the program waiting for a CPU that
    # others held, as it grew (states.kept_waiting), times since the program started
    waits: tuple[tuple[float, float], ...] = ()

    def waited_by(self, t: float) -> float:
        """The seconds the machine had kept the program waiting for a CPU by `t`."""
        return max((waited for when, waited in self.waits if when <= t), default=0.0)

    @property
    def hung(self) -> bool:
        """Stopped by the grader because it would not end: its budget ran out, or it stalled."""
        return self.reason in ("timeout", "stalled")

    def why_stopped(self) -> str:
        """For a check's message: how a run that hung was stopped."""
        if self.reason == "stalled":
            # no duration: the same program must get the same message on every run
            return _("it stopped moving and was stopped: for {seconds} s its processes had printed nothing "
                     "and used next to no CPU, all waiting for something that never came").format(
                         seconds="%.0f" % self.stall_after)
        return _("it was still running after {seconds} s and was stopped").format(seconds="%.1f" % self.budget)


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
    reads: tuple[Read, ...] = ()      # is_alive()/exitcode reads, when their value changed
    program: str = ""                 # the program's file name, as its tracebacks name it
    source: tuple[str, ...] = ()      # the program's lines, to quote the line a process waited on
    cut_streams: tuple[str, ...] = () # "stdout"/"stderr" as the runner read them: longer than it reads
    long_lines: tuple[tuple[int, int], ...] = ()  # (pid, n): lines longer than the instrumentation sends, cut
    queue_calls: tuple[QueueOp, ...] = ()
    task_runs: tuple[Task, ...] = ()
    task_sends: tuple[SentTask, ...] = ()
    joins: tuple[tuple[int, int, float], ...] = ()   # (pid, child, when): join() called on a running child
    states: tuple[StateSpan, ...] = ()   # each process's state over time, where the supervisor saw it
    # processes that said they called os.setsid(), or were started by subprocess in a session of
    # their own (start_new_session=True), with the command of those the trace has no record of
    left_session: tuple[tuple[int, tuple[str, ...]], ...] = ()
    # Python processes that ran to their end (exit code 0) without sending a single record:
    # started without the instrumentation (an environment without PYTHONPATH or the PROCGRADE_*
    # variables), so nothing they did is in this trace. (pid, command line, or the name its
    # multiprocessing parent gave it)
    unobserved: tuple[tuple[int, tuple[str, ...]], ...] = ()

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
        """How a teacher names a process in a message: "main (pid 4711)", the learner's own name
        for a child: its target function, "child `read` (Process-2, pid 4712)", or the name it
        gave, "child `写进程` (pid 4712)", or a subclass's `工作进程-2`; "child Process-1 (pid 4712)" when it has
        neither."""
        if pid is None:
            return _("no process")
        proc = self.proc(pid)
        if proc is None:
            return _("pid {pid}").format(pid=pid)
        if proc.kind == MAIN:
            return _("main (pid {pid})").format(pid=pid)
        if proc.name and proc.kind == PROCESS:
            if not _DEFAULT_NAME.match(proc.name):
                return _("child `{name}` (pid {pid})").format(name=proc.name, pid=pid)
            function = _target_function(proc.target)
            if function:
                return _("child `{function}` ({name}, pid {pid})").format(function=function, name=proc.name, pid=pid)
            if not _LIBRARY_NAME.match(proc.name):
                # a Process subclass's own name (`工作进程-2`): the learner's word, quoted like the others
                return _("child `{name}` (pid {pid})").format(name=proc.name, pid=pid)
            return _("child {name} (pid {pid})").format(name=proc.name, pid=pid)
        if proc.name and proc.kind == POOL_WORKER:
            return _("pool worker {name} (pid {pid})").format(name=proc.name, pid=pid)
        if proc.kind == HELPER:
            argv = " ".join(proc.argv)
            if "forkserver" in argv:
                return _("the forkserver (pid {pid})").format(pid=pid)
            if "tracker" in argv:
                return _("the resource tracker (pid {pid})").format(pid=pid)
            return _("a multiprocessing helper (pid {pid})").format(pid=pid)
        return {PROCESS: _("child (pid {pid})"), POOL_WORKER: _("pool worker (pid {pid})"),
                MANAGER: _("manager (pid {pid})"), FORKED: _("forked child (pid {pid})"),
                OTHER: _("process (pid {pid})")}[proc.kind].format(pid=pid)

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

    def start_error(self) -> Optional[StartError]:
        """The program did not start: main ended with an uncaught exception (its own, or a
        SyntaxError Python reported before running it) before any process printed a line or main
        started a process. None when it did start."""
        if self.outcome.reason != "exited" or not self.outcome.returncode:
            return None
        if self.out() or len(self.learner_procs()) > 1:
            return None
        crash = next((c for c in self.crashes() if c.pid == self.main_pid), None)
        if crash is None:
            return None
        encoding = _LONE_SYNTAX.match(crash.exception)
        if encoding:
            line = int(encoding.group(2))
            return not_utf8(self.program, line, encoding.group(1),
                            self.source[line - 1].strip() if 0 < line <= len(self.source) else "")
        own = [f for f in crash.frames() if f.in_program(self.program)]
        type_name, _, message = crash.exception.partition(":")
        if not own:
            return StartError(self.program, type_name.strip(), message.strip() or crash.exception)
        frame = own[-1]   # the innermost line of the learner's file
        code = frame.code or (self.source[frame.line - 1].strip() if 0 < frame.line <= len(self.source) else "")
        return StartError(self.program, type_name.strip(), message.strip(), frame.line, code,
                          _caret_column(crash.traceback, frame))

    def stderr_tail(self, max_lines: int = STDERR_TAIL_LINES, max_chars: int = STDERR_TAIL_CHARS) -> tuple[str, ...]:
        """The last lines the program's processes wrote to stderr, each traceback cut to the
        frames in the learner's file (line number and the line itself) and its exception line;
        a line naming the process before each process's part, when more than one wrote."""
        entries: list[tuple[int, int, str]] = []   # (index of the line it comes from, pid, text)
        writers = self.printers(line for line in self.lines if line.stream == "err")
        for pid in writers:
            entries.extend((i, pid, text) for i, text in _condensed(self.lines_by(pid, "err"), self.program))
        entries.sort(key=lambda e: e[0])
        shown: list[str] = []
        last_pid = None
        for _, pid, text in entries:
            if len(writers) > 1 and pid != last_pid:
                shown.append("[%s]" % self.describe(pid))
                last_pid = pid
            shown.append(_RUN_FOLDER.sub("", text))
        tail = shown[-max_lines:]
        while len(tail) > 1 and sum(len(t) + 1 for t in tail) > max_chars:
            tail = tail[1:]
        if tail and sum(len(t) + 1 for t in tail) > max_chars:
            tail = [tail[0][-max_chars:]]
        if len(tail) < len(shown):
            hidden = len(shown) - len(tail)
            tail = [ngettext("… ({count} earlier line not shown)", "… ({count} earlier lines not shown)",
                             hidden).format(count=hidden)] + tail
        return tuple(tail)

    def output_cut(self) -> str:
        """"" when the grader read everything the program printed; else a sentence that says
        where what it read stops (a check that needs what came after cannot tell)."""
        parts = []
        for pid in self.flooded:
            read = len(self.lines_by(pid)) + len(self.lines_by(pid, "err"))
            parts.append(_("{who} printed more than {count} lines and the grader read only the first {count}").format(
                who=self.describe(pid), count=read))
        for pid, n in self.long_lines:
            parts.append(ngettext(
                "{who} printed {count} line longer than {limit} characters, and the grader read only their beginning",
                "{who} printed {count} lines longer than {limit} characters, and the grader read only their beginning",
                n).format(who=self.describe(pid), count=n, limit=LINE_TEXT_CAP))
        if self.outcome.reason == "flood":
            parts.append(_("the program printed more than the grader reads and was stopped there"))
        for stream in self.cut_streams:
            parts.append(_("its {stream} was longer than the grader reads and was read only in part").format(stream=stream))
        if not parts:
            return ""
        return _("the output was cut: {what}").format(what=_("; ").join(parts))

    def stderr_text(self, pid: Optional[int] = None) -> str:
        return "\n".join(line.text for line in self.lines
                         if line.stream == "err" and (pid is None or line.pid == pid))

    # --- queues and pool tasks: what processes did, whatever they printed ----------------------
    def queue_ops(self, queue: Optional[str] = None, pid: Optional[int] = None) -> list[QueueOp]:
        """The calls on the program's queues, in the order they returned."""
        return [op for op in self.queue_calls
                if (queue is None or op.queue == queue) and (pid is None or op.pid == pid)]

    def queues(self) -> list[str]:
        """The ids of the queues the program used, in the order of their first use."""
        return list(dict.fromkeys(op.queue for op in self.queue_calls))

    def writers(self, queue: str) -> list[int]:
        """The processes that put an item on `queue`, in the order of their first put."""
        return list(dict.fromkeys(op.pid for op in self.queue_ops(queue) if op.op == "put" and op.moved))

    def readers(self, queue: str) -> list[int]:
        """The processes that tried to get from `queue` (got an item or found it empty), in the
        order of their first try."""
        return list(dict.fromkeys(op.pid for op in self.queue_ops(queue) if op.op == "get"))

    def tasks(self, function: Optional[str] = None) -> list[Task]:
        """The pool tasks that ran (`function`: only those of this "module:qualname"), in the
        order they started."""
        return [task for task in self.task_runs if function is None or task.function == function]

    # --- time ------------------------------------------------------------------------------
    def program_seconds(self, start: float, end: float) -> float:
        """The seconds from `start` to `end` (since the program started) in the program's own
        time: less what the machine kept its processes waiting for a CPU others held meanwhile,
        counted up to the share that stretches a window STRETCH times (as the supervisor counts
        a budget): a window a busy machine would eat is not a verdict on the program."""
        return program_seconds(end - start, self.outcome.waited_by(end) - self.outcome.waited_by(start))

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

    def detached(self) -> tuple[Detached, ...]:
        """The processes that left the program's tree while main ran (os.setsid(), a double fork):
        as the supervisor saw them, and those that said they called os.setsid() (the supervisor
        sees one only if it looks while it lives)."""
        seen = {d.pid for d in self.outcome.detached}
        said = tuple(Detached(pid, "setsid", getattr(self.proc(pid), "argv", ()) or command)
                     for pid, command in self.left_session if pid not in seen)
        # what a subprocess was started to run, as the program said it: the supervisor may have
        # looked before its exec, and seen the Python that forked it (under forkserver, the
        # forkserver's own command line)
        commands = {pid: command for pid, command in self.left_session if command}
        return tuple(replace(d, cmdline=commands[d.pid]) if d.pid in commands else d
                     for d in self.outcome.detached) + said

    def describe_detached(self, detached: Detached) -> str:
        """What a detached process did, naming it as the trace knows it (else by its command)."""
        who = (self.describe(detached.pid) if self.proc(detached.pid) else
               "pid %d (`%s`)" % (detached.pid, detached.command()))
        return detached.explain(who)

    def last_read(self, pid: int, child: int, what: str, before: float) -> Optional[Read]:
        """What `pid` last got, before `before`, when it read `what` of `child`'s Process object
        (None: it never read it)."""
        seen = [r for r in self.reads if r.pid == pid and r.child == child and r.what == what and r.t <= before]
        return seen[-1] if seen else None

    def stack_of(self, pid: int) -> str:
        return next((text for p, text in self.stacks if p == pid), "")


def _tracebacks(pid: int, texts: list[str]) -> Iterator[Crash]:
    for start, end, crash in _blocks(pid, texts):
        yield crash


def _blocks(pid: int, texts: list[str]) -> Iterator[tuple[int, int, Crash]]:
    """Every uncaught exception in one process's stderr, with the lines it spans: a `Traceback
    (most recent call last)` block, and also what Python prints for a file it cannot compile,
    which has no such header (`  File "x.py", line 4` + the line + a caret + `SyntaxError: ...`;
    one line for a file that is not UTF-8 and declares no encoding)."""
    i = 0
    while i < len(texts):
        text = texts[i]
        if _LONE_SYNTAX.match(text):
            yield i, i + 1, Crash(pid, _RUN_FOLDER.sub("", " ".join(text.split())), text)
            i += 1
            continue
        header = text.startswith("Traceback (most recent call last)")
        if not header and not _SYNTAX_FILE.match(text):
            i += 1
            continue
        j = i + 1
        while j < len(texts) and (texts[j].startswith((" ", "\t")) or not texts[j]) \
                and not (not header and _SYNTAX_FILE.match(texts[j])):
            j += 1  # the frames
        if j >= len(texts):
            if header:
                yield i, j, Crash(pid, "(traceback cut off)", "\n".join(texts[i:]))
            return
        if not header and not _EXCEPTION_LINE.match(texts[j]):
            i += 1   # an indented `File "...", line N` that is not a SyntaxError's report
            continue
        k = j + 1
        while k < len(texts) and (texts[k].startswith((" ", "\t")) or not texts[k].strip()) \
                and not _SYNTAX_FILE.match(texts[k]):
            k += 1  # an exception message that runs over several lines
        message = _RUN_FOLDER.sub("", " ".join(" ".join(texts[j:k]).split()))   # paths as the program named them
        yield i, k, Crash(pid, message, "\n".join(texts[i:k]))
        i = k


_FRAME_LINE = re.compile(r'^\s*File "([^"]+)", line (\d+)(?:, in (.+))?\s*$')
_SYNTAX_FILE = re.compile(r'^  File "[^"]+", line \d+\s*$')   # a SyntaxError's frame: no ", in f"
_LONE_SYNTAX = re.compile(r"^SyntaxError: Non-UTF-8 code starting with '(\\x[0-9a-f]{2})' in file .* on line (\d+)")
_EXCEPTION_LINE = re.compile(r"^[^\W\d][\w.]*(:|$)")
_CARET = re.compile(r"^\s*[~^]*\^[~^]*\s*$")
# The run's own folder (runner.py: a fresh temporary "procgrade-run-…"), new on every run: a path
# the program printed is shown from its working folder ('src', not '/tmp/procgrade-run-x1/work/src').
_RUN_FOLDER = re.compile(r"""[^\s'"]*procgrade-run-[^/\s'"]+/(?:work/|program/)?""")
_DEFAULT_NAME = re.compile(r"^\w+-\d+(:\d+)*$")    # multiprocessing's own names: Process-2, MyProc-1:3
_LIBRARY_NAME = re.compile(r"^(Process|\w*PoolWorker)-\d+(:\d+)*$")   # named by the library, not by a subclass


def not_utf8(file: str, line: int, byte: str, code: str) -> StartError:
    """A file Python cannot read: not UTF-8, and no coding line says what it is (a GBK file, say)."""
    return StartError(file, "SyntaxError", _("the file is not UTF-8 (byte {byte}) and no coding line "
                                             "says which encoding it uses").format(byte=byte.replace("\\x", "0x")),
                      line, code)


def _frames(texts: list[str]) -> list[Frame]:
    """The frames of a printed traceback, outermost first, each with the line it quoted."""
    frames = []
    for n, text in enumerate(texts):
        m = _FRAME_LINE.match(text)
        if not m:
            continue
        code = texts[n + 1].strip() if n + 1 < len(texts) and texts[n + 1].startswith("    ") \
            and not _FRAME_LINE.match(texts[n + 1]) and not _CARET.match(texts[n + 1]) else ""
        frames.append(Frame(m.group(1), int(m.group(2)), (m.group(3) or "").strip(), code))
    return frames


def _caret_column(traceback: str, frame: Frame) -> int:
    """The column of the caret Python printed under `frame`'s line (a SyntaxError's), 0 if none."""
    texts = traceback.splitlines()
    for n, text in enumerate(texts):
        m = _FRAME_LINE.match(text)
        if m and int(m.group(2)) == frame.line and n + 2 < len(texts) and _CARET.match(texts[n + 2]):
            quoted, caret = texts[n + 1], texts[n + 2]
            indent = len(quoted) - len(quoted.lstrip())
            return max(0, len(caret) - len(caret.lstrip()) - indent) + 1
    return 0


def _target_function(target: Optional[str]) -> str:
    """"read" for a child that runs the learner's function read; "" for a Process subclass's
    run() or a library function."""
    if not target or ":" not in target:
        return ""
    module, qualname = target.split(":", 1)
    if module.startswith("multiprocessing") or qualname.endswith(".run") or "<" in qualname:
        return ""
    return qualname


def _condensed(lines: list[Line], program: str) -> list[tuple[int, str]]:
    """One process's stderr for the learner: each traceback cut to the frames in `program` (as
    `  line N, in f: code`) and its exception; a SyntaxError's report with the file's name only;
    other lines as written. Each with the index of the line it comes from."""
    texts = [line.text for line in lines]
    out: list[tuple[int, str]] = []
    done = 0
    for start, end, crash in _blocks(0, texts):
        out.extend((lines[n].index, texts[n]) for n in range(done, start))
        at = lines[start].index
        block = texts[start:end]
        if block[0].startswith("Traceback"):
            out.append((at, block[0]))
            own = [f for f in _frames(block) if f.in_program(program)]
            for frame in own:
                values = dict(line=frame.line, function=frame.function, code=frame.code)
                out.append((at, (_("  line {line}, in {function}: {code}") if frame.code else
                                 _("  line {line}, in {function}")).format(**values)))
            if not own:
                out.append((at, _("  (no line of {file} in it: raised inside the library)").format(file=program) if program
                           else _("  (no line of your file in it: raised inside the library)")))
            first = next((n for n, t in enumerate(block) if n > 0 and not t.startswith((" ", "\t")) and t), len(block))
            out.extend((at, t) for t in block[first:])
        else:
            for t in block:
                m = _FRAME_LINE.match(t)
                out.append((at, "  File \"%s\", line %s" % (file_name(m.group(1)), m.group(2)) if m else t))
        done = end
    out.extend((lines[n].index, texts[n]) for n in range(done, len(texts)))
    return out


def file_name(path: str) -> str:
    """The last part of a path written by any platform (`/` or `\\`)."""
    return path.replace("\\", "/").rsplit("/", 1)[-1]


# --- building a trace from the records --------------------------------------------------------

@dataclass
class _ProcFacts:
    pid: int
    first_seen: float
    os_ppid: Optional[int] = None
    argv: tuple[str, ...] = ()
    exec_: bool = False
    forked: bool = False
    mp: dict = field(default_factory=dict)
    spawned: dict = field(default_factory=dict)   # the parent's word: who started it, to run what
    mp_end: Optional[tuple[float, int]] = None
    exit_at: Optional[float] = None
    rss_kb: int = 0
    reaped_rss_kb: int = 0   # the peak its reaper was told (wait4's rusage: its own, and its reaped children's)
    asked: dict = field(default_factory=dict)
    reaps: dict = field(default_factory=dict)     # reaper's pid -> (exit code, when): who saw it end
    start_called: Optional[float] = None
    terminate_called: Optional[float] = None
    terminate_sent: Optional[float] = None
    given_time: Optional[float] = None
    last_seen: float = 0.0


def _number(value) -> int:
    """A record's integer field; 0 for anything else (records come from the program's processes)."""
    return value if isinstance(value, int) else 0


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
                stacks: tuple[tuple[int, str], ...] = (), program: str = "",
                source: tuple[str, ...] = (), cut_streams: tuple[str, ...] = (),
                states: tuple[StateSpan, ...] = ()) -> Trace:
    facts: dict[int, _ProcFacts] = {}
    lines: list[Line] = []
    opened: list[tuple[int, str]] = []
    flooded: list[int] = []
    task_errors: list[TaskError] = []
    tasks_done = 0
    lost: dict[int, int] = {}
    reads: list[Read] = []
    left_session: list[tuple[int, tuple[str, ...]]] = []
    start_calls: dict[tuple[int, object], float] = {}   # (parent, key) -> when start() was called
    long_lines: dict[int, int] = {}
    queue_calls: list[QueueOp] = []
    task_starts: dict[tuple, dict] = {}   # (worker pid, job, chunk, item in a chunk) -> its start and end
    task_sends: list[SentTask] = []
    joins: dict[tuple[int, int], float] = {}   # (parent, child) -> its first join() call

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
            called = record.get("called")
            if f.start_called is None and isinstance(called, (int, float)):   # a start() record wins, in either order
                f.start_called = float(called) - started
        elif ev == "mp_start":
            f.mp = {"t": t, "parent": record.get("parent"), "name": record.get("name"),
                    "target": record.get("target"), "daemon": bool(record.get("daemon"))}
        elif ev == "mp_end":
            f.mp_end = (t, record.get("exitcode"))
            f.rss_kb = int(record.get("rss_kb") or 0)
            _note_asked(f, record)
        elif ev == "setsid":   # its own, or a subprocess's it started ("child")
            left_session.append((int(record.get("child") or pid), tuple(map(str, record.get("argv") or ()))))
        elif ev == "exit":
            f.exit_at = t
            f.rss_kb = max(f.rss_kb, int(record.get("rss_kb") or 0))
            _note_asked(f, record)
        elif ev == "asking":   # the count as it grows (a process the grader stops says no more)
            _note_asked(f, record)
        elif ev == "task_done":
            tasks_done += 1
        elif ev == "task_error":
            task_errors.append(TaskError(pid, _RUN_FOLDER.sub("", str(record.get("exc", ""))), str(record.get("tb", ""))))
        elif ev == "start_called":
            start_calls[(pid, record.get("key"))] = t
        elif ev == "spawned":
            child = fact(record.get("child"), t)
            child.spawned = {"parent": pid, "name": record.get("name"), "target": record.get("target")}
            child.start_called = start_calls.get((pid, record.get("key")), t)
        elif ev == "reaped":
            child = fact(record.get("child"), t)
            child.reaps.setdefault(pid, (record.get("exitcode"), t))
            child.reaped_rss_kb = max(child.reaped_rss_kb, _number(record.get("rss_kb")))
        elif ev == "asked":
            reads.append(Read(pid, record.get("child"), str(record.get("what")), record.get("value"), t))
        elif ev == "terminate":
            child = fact(record.get("child"), t)
            child.terminate_called = child.terminate_called if child.terminate_called is not None else t
        elif ev == "terminate_sent":
            child = fact(record.get("child"), t)
            child.terminate_sent = child.terminate_sent if child.terminate_sent is not None else t
        elif ev == "gave_time":
            child = fact(record.get("child"), t)
            child.given_time = child.given_time if child.given_time is not None else t
        elif ev == "line" and record.get("lost"):
            lost[pid] = lost.get(pid, 0) + 1   # its fd 1 or 2 led elsewhere (/dev/null, a file)
        elif ev == "line":
            if record.get("cut"):
                long_lines[pid] = long_lines.get(pid, 0) + 1
            lines.append(Line(len(lines), pid, t, "err" if record.get("s") == "e" else "out",
                              str(record.get("th", "")), str(record.get("x", "")), str(record.get("end", ""))))
        elif ev == "open":
            opened.append((pid, str(record.get("path", ""))))
        elif ev == "flood":
            flooded.append(pid)
        elif ev == "q":
            item = record.get("x")
            began = record.get("t0")
            asked = record.get("to")
            queue_calls.append(QueueOp(pid, t, str(record.get("q")), str(record.get("op")), bool(record.get("b")),
                                       str(record.get("out")), None if item is None else str(item),
                                       float(began) - started if isinstance(began, (int, float)) else None,
                                       float(asked) if isinstance(asked, (int, float)) else None))
        elif ev == "join" and isinstance(record.get("child"), int):
            joins.setdefault((pid, record["child"]), t)
        elif ev == "task_sent":
            task_sends.append(SentTask(pid, t, _number(record.get("job")), str(record.get("fn")),
                                       str(record.get("args"))))
        elif ev in ("task_start", "task_end"):
            # (worker, job, chunk, the item in a map's chunk)
            key = (pid, _number(record.get("job")), _number(record.get("i")), _number(record.get("k")))
            if ev == "task_start":
                task_starts[key] = {"t": t, "fn": str(record.get("fn")), "args": str(record.get("args"))}
            elif key in task_starts:
                task_starts[key].update(end=t, ok=bool(record.get("ok")))

    for pid, kb in outcome.peak_rss_kb:
        if pid in facts:
            facts[pid].rss_kb = max(facts[pid].rss_kb, kb)
    # the peak a reaper was told is the process's own only if it had no children of its own
    parents = {f.os_ppid for f in facts.values()} | {f.mp.get("parent") for f in facts.values() if f.mp}
    for f in facts.values():
        if f.pid not in parents:
            f.rss_kb = max(f.rss_kb, f.reaped_rss_kb)
    # A process is one that spoke for itself: what others said of a pid (spawned, reaped) only
    # describes a process that also sent its own records.
    senders = {record["pid"] for record in records}
    exits = {pid: (code, when) for pid, code, when in outcome.exits}
    procs = tuple(_classify(f, main_pid, outcome, exits.get(f.pid)) for f in facts.values() if f.pid in senders)
    if not any(p.pid == main_pid for p in procs):
        procs = (Proc(main_pid, MAIN, None, None, started=0.0, ended=outcome.duration),) + procs
    task_runs = tuple(Task(pid, job, r["fn"], r["args"], r["t"], r.get("end"), r.get("ok", False))
                      for (pid, job, _, _), r in task_starts.items())
    return Trace(main_pid, procs, tuple(lines), tuple(opened), outcome, warp, start_method,
                 stacks, tuple(flooded), tuple(task_errors), tasks_done, tuple(sorted(lost.items())),
                 tuple(reads), program, source, cut_streams, tuple(sorted(long_lines.items())),
                 tuple(queue_calls), task_runs, tuple(task_sends),
                 tuple((parent, child, t) for (parent, child), t in joins.items()), states,
                 tuple(dict(left_session).items()), _unobserved(outcome, senders, facts))


PYTHON_ARGV0 = re.compile(r"(^|[/\\])python[\d.]*w?(\.exe)?$", re.I)


def _unobserved(outcome: Outcome, senders: set, facts: dict) -> tuple[tuple[int, tuple[str, ...]], ...]:
    """Trace.unobserved: the Python processes that sent nothing, yet ran to their end (exit code
    0, from the supervisor's reaps or from what the program's processes reported). Python by the
    command line the supervisor saw, or started by multiprocessing (its parent said so, and named
    it: its name stands for its command line when the supervisor did not see it)."""
    exits = {pid: code for pid, code, _ in outcome.exits}
    commands = {pid: argv for pid, argv in outcome.seen if argv and PYTHON_ARGV0.search(argv[0])}
    for pid, f in facts.items():
        if f.spawned and pid not in commands:
            commands[pid] = (str(f.spawned.get("name") or f.spawned.get("target") or "?"),)
    found = []
    for pid, argv in commands.items():
        reported = [code for code, _ in facts[pid].reaps.values()] if pid in facts else []
        if pid not in senders and (exits.get(pid) == 0 or 0 in reported):
            found.append((pid, argv))
    # the learner's own first, the library's helpers (a resource tracker) after them
    return tuple(sorted(found, key=lambda seen: any(marker in arg for arg in seen[1] for marker in _HELPER_ARGV)))


def _parent_saw(f: _ProcFacts, parent: Optional[int]) -> tuple[Optional[int], Optional[float]]:
    """The exit code the process's parent saw, and when (join(), is_alive(), os.waitpid); else
    what another reaper saw (the forkserver reaps its children too), with no time."""
    if parent in f.reaps:
        return f.reaps[parent]
    return (next(iter(f.reaps.values()))[0], None) if f.reaps else (None, None)


def _os_end(f: _ProcFacts, reaped: Optional[tuple[int, Optional[float]]]) -> tuple[Optional[int], Optional[float]]:
    """A process's exit status as the OS gave it, and when it was seen: from the supervisor (it
    reaps main and every orphan) or from whoever waited for it."""
    if reaped is not None:
        return reaped[0], reaped[1] if reaped[1] is not None else f.last_seen
    if f.reaps:
        return min(f.reaps.values(), key=lambda seen: seen[1])
    return None, None


def _note_asked(f: _ProcFacts, record: dict) -> None:
    """A process's word on the questions it asked in a row (see Proc.asked), as the count grows and
    at its end: the most of each kind, kept with where they were asked."""
    asked = record.get("asked")
    for kind, said in asked.items() if isinstance(asked, dict) else ():
        try:
            count, (function, line) = int(said[0]), (said[1] or ("", 0))
            at = (str(function), int(line))
        except (TypeError, ValueError, IndexError):
            continue
        if count > f.asked.get(kind, (0, ("", 0)))[0]:
            f.asked[str(kind)] = (count, at)


def _classify(f: _ProcFacts, main_pid: int, outcome: Outcome,
              reaped: Optional[tuple[int, Optional[float]]] = None) -> Proc:
    if f.pid == main_pid:
        ended = f.exit_at if f.exit_at is not None else (outcome.duration if outcome.reason == "exited" else None)
        return Proc(f.pid, MAIN, f.os_ppid, None, started=f.first_seen, ended=ended,
                    exitcode=outcome.returncode if outcome.reason == "exited" else None, argv=f.argv,
                    max_rss_kb=f.rss_kb, asked=dict(f.asked))
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
    os_exit, os_seen = _os_end(f, reaped)
    parent_saw, reaped_at = _parent_saw(f, parent)
    if f.mp_end:
        ended, exitcode = f.mp_end
    elif not mp and os_exit is not None and os_exit >= 0:
        # not a multiprocessing child (os.fork, a subprocess): the OS's word on how it ended is
        # the only one; it finished when it said its last (its atexit record), else when reaped
        ended, exitcode = (f.exit_at if f.exit_at is not None else os_seen), os_exit
    else:
        ended, exitcode = None, None
    return Proc(f.pid, kind, f.os_ppid, parent, name=mp.get("name"), target=target or None,
                daemon=bool(f.mp.get("daemon")), started=f.mp.get("t", f.first_seen),
                start_called=f.start_called if f.start_called is not None else f.mp.get("t", f.first_seen),
                ended=ended, exitcode=exitcode,
                parent_saw=parent_saw if parent_saw is not None else os_exit, reaped_at=reaped_at,
                os_exit=os_exit, terminate_called=f.terminate_called, terminate_sent=f.terminate_sent,
                given_time=f.given_time, argv=f.argv, max_rss_kb=f.rss_kb, asked=dict(f.asked))
