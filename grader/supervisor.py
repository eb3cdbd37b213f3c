"""The watchdog that owns one run of a learner's program; the grading never imports it (a unit
test of its measures may).

Started by the runner as `python -I supervisor.py SPEC.json` in its own process, it:

1. sets itself up through its backend (grader/backends: `linux` becomes a child subreaper, so
   every orphan of the program's tree, double-forked and `setsid` daemons included, is
   re-parented to it and stays in reach; `portable` remembers every process it saw);
2. starts the program in a new session with the spec's argv, stdin, working folder and env;
3. waits until the program's main process ends, the budget runs out (in the program's time: the
   clock less what the machine kept it waiting for a CPU others held), the output grows past its
   cap, or the runner asks it to stop (a line on stdin; end of stdin, when the runner is gone);
4. on a time-out asks every process for a stack dump (the instrumentation's faulthandler), so a
   hang gets a diagnosis;
5. lists what is still running after main ended (leftovers), then kills the whole tree, again and
   again until nothing is left, and reaps it;
6. writes the facts it saw (exit status, why it stopped, leftovers, times) as JSON.

It gives verdicts on nothing. What it asks of the system goes through its backend: this file
holds no platform's own code.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

# run as a script with -I: the kit's folder is not on sys.path by itself
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from grader import states  # noqa: E402
from grader.backends import Backend, Channel, load  # noqa: E402

POLL_SECONDS = 0.005
LEFTOVER_GRACE_SECONDS = 1.0
STACK_DUMP_SECONDS = 0.3


def dump_stacks(backend: Backend) -> None:
    backend.ask_stacks(backend.tree_pids())
    time.sleep(STACK_DUMP_SECONDS)


def output_size(paths: list[str]) -> int:
    total = 0
    for path in paths:
        try:
            total += os.path.getsize(path)
        except OSError:
            pass
    return total


class ProgramClock:
    """Seconds since the program started, in its own time: the clock less the time the machine
    kept its processes waiting for a CPU that others held (states.kept_waiting, from the state
    sampler's looks), that wait counted up to (states.STRETCH - 1) times the budget, so a hung
    program is still stopped. Each growth of the wait is appended to `log_path` ("when waited"
    lines), where the runner reads it while the program runs: a suite's own windows count in the
    same time."""

    NOTE_EVERY = 0.01   # seconds of new wait before the log gets a line
    SENDS_EVERY = 0.1   # seconds between two readings of the instrumentation's send waits

    def __init__(self, started: float, sampler: states.StateSampler, budget: float, log_path: str = "",
                 stacks_dir: str = "") -> None:
        self.started = started
        self.sampler = sampler
        self.cap = budget * (states.STRETCH - 1)
        self.log = open(log_path, "a", encoding="ascii") if log_path else None
        self.noted = 0.0
        self.stacks_dir = stacks_dir
        self.held = 0.0   # seconds a thread of the program waited for the supervisor to take its records
        self.sends: dict[tuple[int, int], int] = {}
        self.sends_read = started

    def held_by_the_grader(self, now: float | None = None) -> None:
        """A thread blocked on the instrumentation's channel waits for the supervisor, behind on a
        busy machine: the grader's time, not the program's, as a wait for a CPU others held is
        (ex06's bad_prints_while_waiting, 30,000 lines in a row, ran out of its 10 s at load 50:
        main was blocked in print() most of them). The longest such wait of any thread in each
        stretch between two readings counts (send_waits: the instrumentation keeps them)."""
        now = time.monotonic() if now is None else now
        if not self.stacks_dir or now - self.sends_read < self.SENDS_EVERY:
            return
        sends = send_waits(self.stacks_dir)
        grown = max((ns - self.sends.get(key, 0) for key, ns in sends.items()), default=0)
        self.held += min(max(grown, 0) / 1e9, now - self.sends_read)
        self.sends, self.sends_read = sends, now

    def kept(self) -> float:
        """Seconds the program was kept from running: by the machine's other work, by the grader."""
        return self.sampler.waited + self.held

    def waited(self) -> float:
        return min(self.kept(), self.cap)

    def seconds(self, now: float | None = None) -> float:
        return states.program_seconds((time.monotonic() if now is None else now) - self.started, self.kept())

    def note(self) -> None:
        self.held_by_the_grader()
        waited = self.waited()
        if self.log is not None and waited - self.noted >= self.NOTE_EVERY:
            self.noted = waited
            self.log.write("%.4f %.4f\n" % (time.monotonic(), waited))
            self.log.flush()

    def close(self) -> None:
        if self.log is not None:
            self.log.close()


class Interrupted(Exception):
    """The supervisor itself was asked to end: it still kills the tree first."""


def stop_on_signal(signum, frame):
    raise Interrupted(signal.Signals(signum).name)


def stop_requested(channel: Channel) -> bool:
    """Take in records for a moment; True when the runner wrote a line, or closed our stdin
    (it is gone)."""
    return channel.stop_requested(POLL_SECONDS)


class Stillness:
    """Whether the program has stopped moving: for `limit` seconds no record, no output, no
    process started or ended, and its processes together used less than STILL_CPU of a CPU
    (a Manager's server wakes once a second to look at its stop flag: microseconds). With the
    suites' sleeps scaled to a fraction of a second, a correct program is never that still; a
    deadlock (every process waiting in get(), join() or a lock for what cannot come) is, from
    its first moment on, and would only wait for its budget."""

    STILL_CPU = 0.001   # seconds of CPU per second

    def __init__(self, limit: float | None, backend: Backend, clock: ProgramClock) -> None:
        self.limit = limit
        self.backend = backend
        self.clock = clock
        self.events: tuple = ()
        self.since = clock.seconds()   # in the program's time: a busy machine is not stillness
        self.cpu_then = 0

    def still_for_too_long(self, channel: "Channel", outputs: list[str]) -> bool:
        if not self.limit:
            return False
        now = self.clock.seconds()
        cpu = self.backend.threads_cpu_ns()
        # a thread or process that starts or ends is an event too: the CPU sum is then taken over
        # the same threads at both ends of a window, never one that lost an ended thread's time
        events = (channel.records, output_size(outputs), frozenset(cpu))
        if events != self.events:
            self.events, self.since, self.cpu_then = events, now, sum(cpu.values())
            return False
        if now - self.since < self.limit:
            return False
        if sum(cpu.values()) - self.cpu_then < self.STILL_CPU * self.limit * 1e9:
            return True
        self.since, self.cpu_then = now, sum(cpu.values())   # it worked in silence: a new window
        return False


def send_waits(folder: str) -> dict[tuple[int, int], int]:
    """(pid, tid) -> ns that thread spent waiting for the supervisor to take its records, as the
    instrumentation counts them, a wait still going on included."""
    found: dict[tuple[int, int], int] = {}
    try:
        names = [name for name in os.listdir(folder) if name.endswith(".sendwait")] if folder else []
    except OSError:
        return found
    now = time.monotonic_ns()
    for name in names:
        try:
            pid, tid = (int(x) for x in name[:-len(".sendwait")].split("-"))
            with open(os.path.join(folder, name), "rb") as handle:
                ns, since = (int(x) for x in handle.read().split())
        except (OSError, ValueError):
            continue   # being written: the next look reads it
        found[(pid, tid)] = ns + (now - since if since else 0)
    return found


class SeenCommands:
    """The command line of each process of the tree, kept by the pid it knows itself by, as the
    last of its first few looks saw it: the trace tells by it a Python process that never spoke
    to the grader (started without its instrumentation) from the grader's own helpers."""

    KEPT = 256        # processes per run (a fork bomb stops at 256)
    LOOKS = 3         # looks that read a command line again...
    LOOKS_FORKED = 20  # ...and while it is its parent's: a child between its fork and its exec

    def __init__(self) -> None:
        self.commands: dict[int, list[str]] = {}
        self.looks: dict[int, int] = {}
        self.forked: set[int] = set()

    def look(self, backend: Backend) -> None:
        for pid in backend.tree_pids():
            own = backend.own_pid(pid)
            if own not in self.commands and len(self.commands) >= self.KEPT:
                continue
            if self.looks.get(own, 0) >= (self.LOOKS_FORKED if own in self.forked else self.LOOKS):
                continue
            described = backend.describe(pid)
            if not described:
                continue
            command = self.commands[own] = list(described["cmdline"])
            self.looks[own] = self.looks.get(own, 0) + 1
            if command == self.commands.get(backend.own_pid(described["ppid"])):
                self.forked.add(own)
            else:
                self.forked.discard(own)


def wait_for_end(backend: Backend, main_pid: int, statuses: dict[int, int], budget: float, outputs: list[str],
                 output_cap: int, peaks: dict[int, int], write_cap: int, channel: Channel,
                 stillness: Stillness, reaped_at: dict[int, float], detached: dict[int, dict],
                 written: dict[int, int],
                 sampler: states.StateSampler, clock: ProgramClock, seen: SeenCommands) -> str:
    """Why the run stopped: exited, stopped (asked by the runner), timeout, stalled (nothing
    moved for a while), flood (too much output) or disk (too much written). `written` gets the
    bytes each process wrote; `seen`, each process's command line."""
    rounds = 0
    while True:
        rounds += 1
        if rounds % 4 == 0:
            seen.look(backend)
            backend.sample_peaks(peaks)
            backend.sample_writes(written)
            backend.note_detached(main_pid, detached)
            if sum(written.values()) > write_cap:
                return "disk"
        if rounds % 20 == 0 and stillness.still_for_too_long(channel, outputs):
            return "stalled"
        sampler.sample(backend.sample_threads, idle=backend.machine_idle_ns)
        clock.note()
        backend.reap(statuses, reaped_at)
        if main_pid in statuses:
            channel.pump(0.0)
            return "exited"
        if stop_requested(channel):
            return "stopped"
        if clock.seconds() > budget:
            return "timeout"
        if output_size(outputs) > output_cap:
            return "flood"



def supervise(spec: dict, backend: Backend) -> dict:
    facts = backend.prepare(spec)
    stdin = open(spec["stdin_path"], "rb") if spec.get("stdin_path") else subprocess.DEVNULL
    stdout = open(spec["stdout_path"], "wb")
    stderr = open(spec["stderr_path"], "wb")
    env = dict(spec["env"])
    env["PROCGRADE_T0"] = repr(time.time())
    started = time.monotonic()
    user = spec.get("user")
    channel = backend.open_channel(spec)
    main = subprocess.Popen(
        [spec["python"], spec["program"], *spec["argv"]],
        cwd=spec["cwd"], env=env, stdin=stdin, stdout=stdout, stderr=stderr, **backend.popen_options(spec),
    )
    backend.started(main)
    for handle in (stdin, stdout, stderr):
        if handle is not subprocess.DEVNULL:
            handle.close()

    statuses: dict[int, int] = {}
    outputs = [spec["stdout_path"], spec["stderr_path"], spec["channel_path"]]
    peaks: dict[int, int] = {}
    reaped_at: dict[int, float] = {}
    detached: dict[int, dict] = {}
    written: dict[int, int] = {}
    seen = SeenCommands()
    sampler = states.StateSampler(started, backend.own_pid)
    clock = ProgramClock(started, sampler, spec["budget"], spec.get("waits_path", ""),
                         spec["env"].get("PROCGRADE_STACKS_DIR", ""))
    try:
        reason = wait_for_end(backend, main.pid, statuses, spec["budget"], outputs, spec["output_cap"], peaks,
                              spec.get("write_cap", 1 << 40), channel,
                              Stillness(spec.get("stall_after"), backend, clock),
                              reaped_at, detached, written, sampler, clock, seen)
    except Interrupted:
        backend.kill_tree(main.pid, statuses)
        raise
    finally:
        clock.close()
    ended = time.monotonic()

    if reason in ("timeout", "stalled"):
        dump_stacks(backend)

    leftovers: list[dict] = []
    if reason == "exited":
        # Helpers (resource tracker, forkserver) end on their own a moment after main; whatever
        # still runs after the grace period was left behind by the program. Fresh looks: the last
        # shared one may predate a daemon that main's end left behind (portable backend, 8 runs in
        # 10 at load 16 reported no leftover for a double-forked daemon, then killed it)
        grace_end = time.monotonic() + LEFTOVER_GRACE_SECONDS
        while backend.tree_pids(fresh=True) and time.monotonic() < grace_end:
            backend.note_detached(main.pid, detached, main_ended=True)   # sessions only
            backend.reap(statuses, reaped_at)
            channel.pump(POLL_SECONDS)
        leftovers = [d for d in map(backend.describe, backend.tree_pids(fresh=True)) if d]

    # how each process the supervisor reaped ended by itself, before the grader killed anything
    exits = [[pid, code, reaped_at.get(pid)] for pid, code in statuses.items()]
    killed = backend.kill_tree(main.pid, statuses)
    if user is not None:
        killed += backend.kill_user(user, statuses)
    channel.drain()
    strays = backend.remove_strays(user) if user is not None else []
    return {
        "main_pid": main.pid,
        "returncode": statuses.get(main.pid),
        "reason": reason,
        "started": started,
        "ended": ended,
        "waited_for_cpu": clock.waited(),   # of the time until `ended`: the machine kept it waiting
        "finished": time.monotonic(),
        "leftovers": leftovers,
        "killed": killed,
        "remaining": [d for d in map(backend.describe, backend.tree_pids(fresh=True)) if d],
        "subreaper": facts.get("subreaper", False),
        "offline": facts.get("offline", False),
        "backend": backend.name,
        "supervisor_cpu_seconds": time.process_time(),   # its own cost (what a backend's looks take)
        "peak_rss_kb": {str(pid): kb for pid, kb in peaks.items()},
        "seen": {str(pid): command for pid, command in seen.commands.items()},
        "strays": strays,
        "exits": exits,
        "detached": list(detached.values()),
        "written_bytes": sum(written.values()),
        "states": sampler.report(),
    }


def main(argv: list[str]) -> int:
    with open(argv[1], encoding="utf-8") as handle:
        spec = json.load(handle)
    signal.signal(signal.SIGTERM, stop_on_signal)
    signal.signal(signal.SIGINT, stop_on_signal)
    result = supervise(spec, load(spec.get("backend", "")))
    tmp = spec["result_path"] + ".tmp"
    with open(tmp, "w", encoding="utf-8") as handle:
        json.dump(result, handle)
    os.replace(tmp, spec["result_path"])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
