"""Which process ran when, alongside which: a picture of one run, drawn from its trace only.

One row per process the learner's program made (main, each child, each pool worker, the manager),
named as trace.describe() names it: its life as a bar, the lines it printed as marks, the pool
tasks it ran as segments, the time it spent blocked in join(), get() or put() shaded, and, where
the supervisor saw them, its states over time (states.py: running, ready, waiting).

`from_trace` builds the model; `render` draws it for a terminal, 80 columns wide, in Unicode
block characters or in ASCII; html.py draws the same model as SVG.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from .console import display_width
from .i18n import _
from .states import BUSY, IDLE, READY, RUNNING, WAITING, StateSpan
from .trace import FORKED, MAIN, MANAGER, OTHER, POOL_WORKER, PROCESS, Trace

SHOWN_KINDS = (MAIN, PROCESS, POOL_WORKER, MANAGER, FORKED, OTHER)   # not the library's helpers
WAIT_SHOWN_SECONDS = 0.005   # a shorter wait is not drawn: it would be a speck
WIDTH = 80


@dataclass(frozen=True)
class Mark:
    """A line the process printed."""

    t: float
    text: str
    stream: str   # "out" or "err"


@dataclass(frozen=True)
class Segment:
    """A stretch of a row: a pool task it ran ("task"), or a wait ("join", "get", "put")."""

    kind: str
    start: float
    end: float
    label: str    # the task's function and arguments, `worker(3)`; the wait's call, `get()`
    short: str = ""   # what fits in a few columns: the task's arguments, `3`, else its function


@dataclass(frozen=True)
class Row:
    pid: int
    kind: str
    label: str                       # trace.describe(pid)
    start: float
    end: float                       # when it ended, or the end of the picture
    ended: bool                      # False: it was still running when the run was stopped
    marks: tuple[Mark, ...] = ()
    tasks: tuple[Segment, ...] = ()
    waits: tuple[Segment, ...] = ()
    states: tuple[StateSpan, ...] = ()


@dataclass(frozen=True)
class Timeline:
    rows: tuple[Row, ...]
    duration: float                  # seconds, real time, from main's start to the last thing drawn
    warp: float = 1.0                # the program's sleeps were scaled by this
    states: str = ""                 # "schedstat": running/ready/waiting; "cpu": busy/idle; "": unknown

    def row(self, pid: int) -> Optional[Row]:
        return next((r for r in self.rows if r.pid == pid), None)


def from_trace(trace: Trace) -> Timeline:
    procs = [p for p in trace.procs if p.kind in SHOWN_KINDS]
    procs.sort(key=lambda p: (p.kind != MAIN, p.started if p.started is not None else 0.0, p.pid))
    ends = [trace.outcome.duration] + [line.t for line in trace.lines] + \
        [t.ended for t in trace.task_runs if t.ended is not None]
    duration = max(ends) if ends else 0.0
    rows = []
    for p in procs:
        end = next((t for t in (p.ended, p.reaped_at) if t is not None), None)
        start = p.started if p.started is not None else 0.0
        rows.append(Row(
            p.pid, p.kind, trace.describe(p.pid), start, end if end is not None else duration, end is not None,
            tuple(Mark(line.t, line.text, line.stream) for line in trace.lines if line.pid == p.pid),
            tuple(Segment("task", t.started, t.ended if t.ended is not None else duration,
                          "%s%s" % (t.name, _call_args(t.args)), _short(t.name, t.args))
                  for t in trace.task_runs if t.pid == p.pid),
            _waits(trace, p.pid, duration),
            tuple(s for s in trace.states if s.pid == p.pid)))
    kinds = {s.state for s in trace.states}
    states = "schedstat" if kinds & {RUNNING, READY, WAITING} else "cpu" if kinds & {BUSY, IDLE} else ""
    return Timeline(tuple(rows), max([duration] + [r.end for r in rows]), trace.warp, states)


def _call_args(args: str) -> str:
    """`(3,)` -> `(3)`: the task as the learner wrote the call."""
    return "(%s)" % args[1:-2] if args.startswith("(") and args.endswith(",)") else args


def _short(function: str, args: str) -> str:
    """A task's arguments when they are plain values (`3`, `'a', 2`), else its function's name."""
    inner = _call_args(args)[1:-1]
    plain = inner and len(inner) <= 8 and "<" not in inner and display_width(inner) == len(inner)   # one column each
    return inner if plain else function.rsplit(".", 1)[-1]


def _waits(trace: Trace, pid: int, duration: float) -> tuple[Segment, ...]:
    waits = [Segment(op.op, op.began, op.t, op.call) for op in trace.queue_ops(pid=pid)
             if op.began is not None and op.t - op.began >= WAIT_SHOWN_SECONDS]
    for parent, child, called in trace.joins:
        if parent != pid:
            continue
        proc = trace.proc(child)
        ended = proc.reaped_at if proc is not None and proc.reaped_at is not None else None
        end = ended if ended is not None and ended >= called else duration
        if end - called >= WAIT_SHOWN_SECONDS:
            waits.append(Segment("join", called, end, "join()"))
    return tuple(sorted(waits, key=lambda w: w.start))


# --- the terminal -------------------------------------------------------------------------------

UNICODE = {RUNNING: "█", READY: "▓", WAITING: "░", BUSY: "█", IDLE: "░", "alive": "━",
           "task": "═", "wait": "┈", "mark": "•", "err": "!", "edge": "│"}
ASCII = {RUNNING: "#", READY: "+", WAITING: ".", BUSY: "#", IDLE: ".", "alive": "-",
         "task": "=", "wait": "~", "mark": "*", "err": "!", "edge": "|"}


def can_draw(encoding: Optional[str]) -> bool:
    """Whether a console in `encoding` can show the Unicode picture."""
    try:
        "".join(UNICODE.values()).encode(encoding or "ascii")
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def render(timeline: Timeline, ascii_only: bool = False, width: int = WIDTH) -> list[str]:
    """The picture as lines of at most `width` columns: per process, a line that names it, a line
    of its states (or of its life where they are unknown) with the lines it printed, and a line of
    its tasks and waits; then the time axis and the legend."""
    chars = ASCII if ascii_only else UNICODE
    cells = width - 4
    span = timeline.duration or 1.0

    def cell(t: float) -> int:
        return min(cells - 1, max(0, int(t / span * cells)))

    out = [_("the processes over time (each column {ms} ms):").format(ms="%.0f" % (span / cells * 1000))]
    for row in timeline.rows:
        life = [" "] * cells
        for i in range(cell(row.start), cell(row.end) + 1):
            life[i] = chars["alive"]
        for s in row.states:
            for i in range(cell(s.start), cell(s.end) + 1):
                if life[i] != " ":
                    life[i] = chars[s.state]
        events = [" "] * cells
        for w in row.waits:
            for i in range(cell(w.start), cell(w.end) + 1):
                events[i] = chars["wait"]
        for task in row.tasks:
            # its arguments, then a line for as long as it runs; its last column is the one before
            # its end, so that a task that ends where the next begins leaves it room
            first = cell(task.start)
            last = max(first, cell(task.end) - 1)
            room = last - first + 1
            events[first:last + 1] = list((task.short + chars["task"] * room)[:room])
        for mark in row.marks:   # on the life line: a task's line would hide the task
            life[cell(mark.t)] = chars["err"] if mark.stream == "err" else chars["mark"]
        ending = "" if row.ended else " " + _("(still running when stopped)")
        out.append("  " + row.label + ending)
        out.append("  " + chars["edge"] + "".join(life).rstrip())
        out.append("  " + chars["edge"] + "".join(events).rstrip())
    out.append("  " + _axis(span, cells))
    out.extend("  " + line for line in legend(timeline, chars, width - 2))
    return out


def _axis(span: float, cells: int) -> str:
    """0 s at the left, the end at the right, a middle tick."""
    left, middle, right = "0 s", "%.2f s" % (span / 2), "%.2f s" % span
    line = [" "] * (cells + 1)
    for at, text in ((0, left), ((cells - len(middle)) // 2, middle), (cells + 1 - len(right), right)):
        line[at:at + len(text)] = list(text)
    return "".join(line)


def legend_items(timeline: Timeline) -> list[tuple[str, str]]:
    """What the picture shows, as (what it is drawn as, its words): the terminal and the page."""
    if timeline.states == "schedstat":
        items = [(RUNNING, _("running on a CPU")), (READY, _("ready, waiting for a CPU")),
                 (WAITING, _("waiting (sleep, get, join)"))]
    elif timeline.states == "cpu":
        items = [(BUSY, _("using a CPU")), (IDLE, _("not using one"))]
    else:
        items = [("alive", _("alive (its states were not seen)"))]
    # the rest only where the picture has one: a pool task in ex05's picture would only puzzle
    present = {"task": any(r.tasks for r in timeline.rows), "wait": any(r.waits for r in timeline.rows),
               "mark": any(m.stream != "err" for r in timeline.rows for m in r.marks),
               "err": any(m.stream == "err" for r in timeline.rows for m in r.marks)}
    return items + [(key, text) for key, text in (
        ("task", _("a pool task: its arguments, then as long as it runs")),
        ("wait", _("blocked in join(), get() or put()")),
        ("mark", _("a line it printed")), ("err", _("a line on stderr"))) if present[key]]


def warp_note(timeline: Timeline) -> str:
    if timeline.warp == 1.0:
        return ""
    return _("times are real: the grader ran every time.sleep() at {scale} of its length").format(
        scale="%g" % timeline.warp)


def legend(timeline: Timeline, chars: dict[str, str], width: int) -> list[str]:
    """What each character means, in the learner's language, packed into lines of `width` columns."""
    drawn = dict(chars, task="3" + chars["task"] * 2)
    items = ["%s %s" % (drawn[key] * (2 if len(drawn[key]) == 1 and key not in ("mark", "err") else 1), text)
             for key, text in legend_items(timeline)]
    lines = [""]
    for item in items:
        if lines[-1] and display_width(lines[-1]) + 3 + display_width(item) > width:
            lines.append("")
        lines[-1] += ("   " if lines[-1] else "") + item
    if warp_note(timeline):
        lines.append(warp_note(timeline))
    return lines

