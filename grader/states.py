"""Each process's state over time, in the tutorial's three states (section 6.1): 执行态 running on a
CPU, 就绪态 ready (runnable, waiting in the run queue for a CPU), 等待态 waiting for something (a
sleep, a `get()`, a `join()`).

The supervisor samples; the runner reads the spans back into the trace. Linux's per-thread
/proc/PID/task/TID/schedstat counts, in nanoseconds, the time a thread spent on a CPU and the
time it spent runnable in a run queue: between two samples, whatever is left of the wall clock
it was waiting. That tells all three states apart, which is what a 2-core machine running four
processes shows. Where only CPU times are known (psutil's cpu_times, on macOS and Windows) the
states degrade to two: running, or not.

Standard library only: the supervisor imports it; the backends read the counters
(Backend.sample_threads).
"""

from __future__ import annotations

import os
import time
from collections import namedtuple
from collections.abc import Callable

RUNNING = "running"   # 执行态
READY = "ready"       # 就绪态
WAITING = "waiting"   # 等待态
STATES = (RUNNING, READY, WAITING)
# with CPU times only: it used a CPU in the window, or it did not (running/ready cannot be told apart)
BUSY = "busy"
IDLE = "idle"

SAMPLE_SECONDS = 0.02   # at most one look this often: a pool task at the suites' warp lasts 30-300 ms
MAX_SPANS = 4000        # per run: a program that runs to its budget must not grow the result without end

# A run's windows (its budget, the stillness that ends a deadlock, a suite's watch) are counted in
# the program's time: the clock less the time the machine kept its processes waiting for a CPU
# that others held (kept_waiting), so that a busy machine does not eat them. They stretch to at
# most STRETCH times their length on the clock, so a hung program is still stopped.
STRETCH = 3.0

# The supervisor imports this module: neither `typing` nor `dataclasses` (the annotations are
# never evaluated). typing.NamedTuple compiled each string annotation of StateSpan, and with
# typing's own import cost each run's supervisor 4-6 ms of its 35-45 ms start.
# One thread's counters are tuple[int, int | None]: (ns on a CPU, ns runnable in a run queue, or
# None where unknown).


class StateSpan(namedtuple("StateSpan", "pid start end state")):
    """A stretch of time, in seconds since the program started, that a process spent in one
    state: pid (int), start and end (float), state (str)."""

    __slots__ = ()


def classify(seconds: float, cpu: int, queued: int | None) -> str:
    """A process's state over a window of `seconds`, from the ns its busiest thread spent on a CPU
    and in a run queue: the largest of the three shares wins."""
    window = seconds * 1e9
    if queued is None:
        return BUSY if cpu >= window / 2 else IDLE
    waiting = window - cpu - queued
    return max(((cpu, RUNNING), (queued, READY), (waiting, WAITING)))[1]


def cpus() -> int:
    """The CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:   # macOS, Windows
        return os.cpu_count() or 1


def program_seconds(clock: float, waited: float) -> float:
    """`clock` seconds less `waited` of them spent kept waiting for a CPU, that wait counted up to
    the share that stretches a window STRETCH times on the clock (one place for the supervisor's
    budget and the suites' windows)."""
    return clock - min(waited, clock * (1 - 1 / STRETCH))


def kept_waiting(seconds: float, longest_queue_ns: int, cpu_ns: int, cpus: int) -> float:
    """Of a window of `seconds`, the time the machine kept the program from running: the longest
    wait in a run queue of any of its processes, but no longer than the share of the machine's
    CPUs that the program itself did not use (a program whose own processes outnumber the CPUs
    waits for itself: that is its own time)."""
    left_to_others = seconds - cpu_ns / 1e9 / cpus
    return max(0.0, min(longest_queue_ns / 1e9, left_to_others, seconds))


class StateSampler:
    """Looks at the processes it is given (at most every SAMPLE_SECONDS) and keeps each one's spans."""

    def __init__(self, started: float, name: Callable[[int], int] = int) -> None:
        """`name`: the pid a process knows itself by, the one its records carry (inside a sandbox's
        pid namespace it differs from the pid the supervisor sees)."""
        self.started = started
        self.name = name
        self.last: dict[int, tuple[float, dict[str, tuple[int, int | None]]]] = {}   # pid -> (when, counters by thread)
        self.spans: list[list] = []     # [own pid, start, end, state], the last one of a pid still growing
        self.open: dict[int, int] = {}  # pid -> index of its last span
        self.next_look = 0.0
        self.own: dict[int, int] = {}
        self.cpus = cpus()
        self.waited = 0.0   # seconds the machine kept the program waiting for a CPU (kept_waiting)
        self.idle_then: int | None = None   # the machine's idle ns at the last look (no queues known)

    def sample(self, threads: Callable[[], dict[tuple[int, str], tuple[int, int | None]]], now: float | None = None,
               idle: Callable[[], int | None] = lambda: None) -> None:
        """When a look is due (called at every poll): `threads()` gives every thread of the tree
        and its counters, as the backend reads them (Backend.sample_threads: schedstat on Linux,
        CPU times only elsewhere); `idle()`, the machine's idle CPU ns so far where they do not
        say the time in a run queue (Backend.machine_idle_ns)."""
        now = time.monotonic() if now is None else now
        if now < self.next_look:
            return
        previous, self.next_look = self.next_look - SAMPLE_SECONDS, now + SAMPLE_SECONDS
        by_process: dict[int, dict[str, tuple[int, int | None]]] = {}
        for (pid, tid), counters in threads().items():
            by_process.setdefault(pid, {})[tid] = counters
        cpu_used, longest_queue, queues_known = 0, 0, False
        for pid, threads_now in by_process.items():
            before = self.last.get(pid)
            self.last[pid] = (now, threads_now)
            if before is None:
                continue
            then, old = before
            deltas = [(c - old[t][0], None if q is None or old[t][1] is None else q - old[t][1])
                      for t, (c, q) in threads_now.items() if t in old]
            if not deltas:
                continue
            cpu_used += sum(d[0] for d in deltas)
            # the busiest thread (its CPU and run-queue time): a process is as busy as its main work
            cpu, queued = max(deltas, key=lambda d: d[0] + (d[1] or 0))
            if queued is not None and abs(then - previous) < 1e-9:   # seen at the last look too
                longest_queue, queues_known = max(longest_queue, queued), True
            if len(self.spans) < MAX_SPANS:
                self._extend(pid, then - self.started, now - self.started, classify(now - then, cpu, queued))
        if queues_known:
            self.waited += kept_waiting(now - previous, longest_queue, cpu_used, self.cpus)
        else:
            self._waited_without_queues(now, previous, cpu_used, idle())

    def _waited_without_queues(self, now: float, previous: float, cpu_used: int, idle_now: int | None) -> None:
        """Where no run queue is measured (psutil elsewhere than Linux): a thread can only have
        waited for a CPU while none was free, and the machine's idle time, summed over its CPUs,
        bounds from below how long all of them were busy (every moment with a CPU free adds to
        it). That bound stands for the longest wait: on a machine busy with other work it counts
        the time the program's sleepers slept too, which only stretches its windows (STRETCH),
        never shortens them; on a machine with a CPU free it is nothing."""
        idle_then, self.idle_then = self.idle_then, idle_now
        if idle_now is None or idle_then is None:
            return
        window = now - previous
        all_busy_ns = max(0, int(window * 1e9) - (idle_now - idle_then))
        self.waited += kept_waiting(window, all_busy_ns, cpu_used, self.cpus)

    def _extend(self, pid: int, start: float, end: float, state: str) -> None:
        if pid not in self.own:
            self.own[pid] = self.name(pid)
        last = self.open.get(pid)
        if last is not None and self.spans[last][3] == state and abs(self.spans[last][2] - start) < 1e-9:
            self.spans[last][2] = end
            return
        self.open[pid] = len(self.spans)
        self.spans.append([self.own[pid], start, end, state])

    def report(self) -> list[list]:
        """The spans, as JSON can carry them: [pid, start, end, state], times since the program started."""
        return [[pid, round(start, 4), round(end, 4), state] for pid, start, end, state in self.spans]


def spans(report: object) -> tuple[StateSpan, ...]:
    """The sampler's report, as read back from the supervisor's result (anything else: none)."""
    found = []
    for entry in report if isinstance(report, list) else ():
        try:
            pid, start, end, state = entry
            if state in STATES + (BUSY, IDLE):
                found.append(StateSpan(int(pid), float(start), float(end), str(state)))
        except (TypeError, ValueError):
            continue
    return tuple(found)
