"""The watchdog that owns one run of a learner's program; never imported by pytest.

Started by the runner as `python -I supervisor.py SPEC.json` in its own process, it:

1. becomes a child subreaper (Linux), so every orphan of the program's tree, double-forked and
   `setsid` daemons included, is re-parented to it and stays in reach;
2. starts the program in a new session with the spec's argv, stdin, working folder and env;
3. waits until the program's main process ends, the budget runs out, the output grows past its
   cap, or the runner asks it to stop (a line on stdin; end of stdin, when the runner is gone);
4. on a time-out asks every process for a stack dump (the instrumentation registers faulthandler
   on SIGUSR1), so a hang gets a diagnosis;
5. lists what is still running after main ended (leftovers), then kills the whole tree, again and
   again until nothing is left, and reaps it;
6. writes the facts it saw (exit status, why it stopped, leftovers, times) as JSON.

It gives verdicts on nothing. Standard library only on Linux (it reads /proc); psutil elsewhere.
"""

from __future__ import annotations

import ctypes
import json
import os
import selectors
import signal
import socket
import struct
import subprocess
import sys
import time

sys.path.append(os.path.dirname(os.path.abspath(__file__)))   # for states.py (-I leaves the folder out)
import states  # noqa: E402


PR_SET_CHILD_SUBREAPER = 36
LINUX = sys.platform.startswith("linux")
STRAY_FOLDERS = ("/tmp", "/var/tmp", "/dev/shm")  # world-writable: where a program could leave files
POLL_SECONDS = 0.005
LEFTOVER_GRACE_SECONDS = 1.0
STACK_DUMP_SECONDS = 0.3
SPIN_EVERY = 8   # rounds (of POLL_SECONDS and more) between two looks for spinning threads


CLONE_NEWNET = 0x40000000


def leave_the_network() -> bool:
    """Move this process (and so the program it starts) into a network namespace of its own,
    with no interface up: a program cannot reach any address, loopback included. Needs root on
    Linux; Unix sockets by path (the records' channel) still work."""
    if not LINUX or os.geteuid() != 0:
        return False
    libc = ctypes.CDLL(None, use_errno=True)
    return libc.unshare(CLONE_NEWNET) == 0


def become_subreaper() -> bool:
    if not LINUX:
        return False
    libc = ctypes.CDLL(None, use_errno=True)
    return libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0


def reap(statuses: dict[int, int], times: dict[int, float] | None = None) -> None:
    """Collect every ended child (ours or re-parented to us), keeping exit statuses by pid (and,
    given `times`, when each was reaped). The pid is the one the process knew itself by: in a
    sandbox this supervisor runs inside the program's pid namespace."""
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        statuses[pid] = os.waitstatus_to_exitcode(status)
        if times is not None:
            times[pid] = time.monotonic()


# /proc/PID/stat's state letters, as psutil names them
STATES = {"R": "running", "S": "sleeping", "D": "disk-sleep", "T": "stopped", "t": "tracing-stop",
          "X": "dead", "I": "idle", "P": "parked", "W": "waking", "K": "wake-kill"}


def thread_files(pid: int, name: str) -> dict[str, bytes]:
    """/proc/PID/task/TID/<name> of each of the process's threads (those that could be read), by tid."""
    found = {}
    try:
        threads = os.listdir("/proc/%d/task" % pid)
    except OSError:
        return found
    for tid in threads:
        try:
            with open("/proc/%d/task/%s/%s" % (pid, tid, name), "rb") as handle:
                found[tid] = handle.read()
        except OSError:
            continue
    return found


def stat_fields(pid: int) -> list[bytes]:
    """The fields of /proc/PID/stat after the command name: [0] is field 3 (the state)."""
    with open("/proc/%d/stat" % pid, "rb") as handle:
        return handle.read().rsplit(b")", 1)[1].split()


def own_pid(pid: int) -> int:
    """The pid a process knows itself by (NSpid's last: inside a sandbox's pid namespace)."""
    try:
        with open("/proc/%d/status" % pid, "rb") as handle:
            for line in handle:
                if line.startswith(b"NSpid:"):
                    return int(line.split()[-1])
    except (OSError, ValueError, IndexError):
        pass
    return pid


def note_detached(main_pid: int, found: dict[int, dict], main_ended: bool = False) -> None:
    """Processes that left the program's tree while main runs, kept by pid (the first sighting):
    one in a session other than main's (os.setsid(); main leads its own session), or one
    re-parented to this subreaper although main still runs (its parent ended first: a double
    fork). Linux only: elsewhere nothing is found."""
    if not LINUX:
        return
    orphans = []
    for pid in tree_pids():
        if pid == main_pid or pid in found:
            continue
        try:
            fields = stat_fields(pid)
            state, ppid, session = fields[0], int(fields[1]), int(fields[3])
        except (OSError, IndexError, ValueError):
            continue
        if state == b"Z":
            continue
        if session != main_pid:
            found[pid] = detachment(pid, "setsid")
        elif ppid == os.getpid():
            orphans.append(pid)
    # An orphan counts only while main still runs once it was seen: main's own end re-parents
    # its children to us, and that is no fault of theirs.
    try:
        main_runs = not main_ended and stat_fields(main_pid)[0] != b"Z"
    except (OSError, IndexError):
        main_runs = False
    if main_runs:
        for pid in orphans:
            found[pid] = detachment(pid, "orphaned")


def detachment(pid: int, how: str) -> dict:
    live = describe(pid) or {"cmdline": []}
    return {"pid": own_pid(pid), "how": how, "cmdline": live["cmdline"]}


def tree_pids() -> list[int]:
    """The pids below this process, from the kernel's per-thread child lists: O(the tree), where
    psutil's children(recursive=True) reads /proc of every process on the machine. The lists can
    miss a child being created at that very moment: kill_tree walks again until none is left."""
    if not LINUX:
        import psutil
        try:
            return [p.pid for p in psutil.Process().children(recursive=True)]
        except psutil.Error:
            return []
    found, stack = [], [os.getpid()]
    while stack:
        for listed in thread_files(stack.pop(), "children").values():
            kids = [int(x) for x in listed.split() if x.isdigit()]
            found.extend(kids)
            stack.extend(kids)
    return found


def describe(pid: int) -> dict | None:
    """A live process: pid, parent, command line, state; None once it is gone or a zombie."""
    if not LINUX:
        import psutil
        try:
            proc = psutil.Process(pid)
            with proc.oneshot():
                if proc.status() == psutil.STATUS_ZOMBIE:
                    return None
                return {"pid": pid, "ppid": proc.ppid(), "cmdline": proc.cmdline()[:8], "status": proc.status()}
        except psutil.Error:
            return None
    try:
        fields = stat_fields(pid)
        with open("/proc/%d/cmdline" % pid, "rb") as handle:
            cmdline = [arg.decode("utf-8", "replace") for arg in handle.read().split(b"\0") if arg]
        state, ppid = fields[0].decode(), int(fields[1])
    except (OSError, IndexError, ValueError):
        return None
    if state == "Z":
        return None
    return {"pid": pid, "ppid": ppid, "cmdline": cmdline[:8], "status": STATES.get(state, state)}


def send(pid: int, sig: int) -> bool:
    try:
        os.kill(pid, sig)
        return True
    except OSError:
        return False


def kill_tree(session_id: int, statuses: dict[int, int]) -> int:
    """SIGKILL every descendant until none is left; stop first so a fork bomb cannot outrun us."""
    killed: set[int] = set()
    for _ in range(200):
        pids = tree_pids()
        if not pids:
            break
        for sig in (signal.SIGSTOP, signal.SIGKILL):
            for pid in pids:
                if send(pid, sig):
                    killed.add(pid)
        # The whole session at once, but only while its leader (main) is not reaped: its pid is
        # then still its own. Once reaped, the pid and so the group id can belong to a process of
        # another run (pids wrap at 32768 here), whose whole run killpg would kill.
        if session_id not in statuses:
            try:
                os.killpg(session_id, signal.SIGKILL)
            except OSError:
                pass
        time.sleep(0.002)
        reap(statuses)
    reap(statuses)
    return len(killed)


def user_pids(uid: int) -> list[int]:
    """Every process whose real or effective user id is `uid`."""
    if not LINUX:
        import psutil
        return [p.pid for p in psutil.process_iter(["uids"])
                if p.info.get("uids") is not None and uid in (p.info["uids"].real, p.info["uids"].effective)]
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open("/proc/%s/status" % name, "rb") as handle:
                for line in handle:
                    if line.startswith(b"Uid:"):
                        real, effective = (int(x) for x in line.split()[1:3])
                        if uid in (real, effective):
                            found.append(int(name))
                        break
        except (OSError, ValueError):
            continue
    return found


def kill_user(uid: int, statuses: dict[int, int], wait_seconds: float = 2.0) -> int:
    """Every process of the run's own user id, wherever it ended up: the last sweep. Waits (a
    while) until they are gone."""
    victims: list[int] = []
    for _ in range(5):   # again while some appear: one may fork between the scan and its kill
        fresh = [pid for pid in user_pids(uid) if pid not in victims and send(pid, signal.SIGKILL)]
        if not fresh:
            break
        victims += fresh
    deadline = time.monotonic() + wait_seconds
    while any(describe(pid) for pid in victims) and time.monotonic() < deadline:
        reap(statuses)
        time.sleep(0.01)
    reap(statuses)
    return len(victims)


def remove_strays(uid: int) -> list[str]:
    """Files the program's user left in the world-writable folders: listed, then removed."""
    found = []
    for folder in STRAY_FOLDERS:
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.stat(follow_symlinks=False).st_uid != uid:
                    continue
            except OSError:
                continue
            if not entry.name.startswith(("sem.mp-", "mp-")):
                # multiprocessing's own semaphores and temp folders, left by a process ended with
                # os._exit: removed, but not held against the program
                found.append(entry.path)
            try:
                if entry.is_dir(follow_symlinks=False):
                    import shutil
                    shutil.rmtree(entry.path, ignore_errors=True)
                else:
                    os.unlink(entry.path)
            except OSError:
                pass
    return found


def dump_stacks() -> None:
    for pid in tree_pids():
        send(pid, signal.SIGUSR1)
    time.sleep(STACK_DUMP_SECONDS)


def output_size(paths: list[str]) -> int:
    total = 0
    for path in paths:
        try:
            total += os.path.getsize(path)
        except OSError:
            pass
    return total


LEARNER_CODE_RUNS = ("mp_start", "fork", "line", "spawned")   # records a process sends from the learner's code on


class Channel:
    """The instrumentation's records come in over a Unix socket, one connection per process, and
    are appended to the channel file, which the program cannot write. Each record is stamped with
    the pid the kernel gives for its connection (SO_PEERCRED): a process can only speak for itself.
    (In a sandbox this supervisor runs inside the program's pid namespace, so the kernel's pids
    are the ones the processes know themselves by.)"""

    def __init__(self, socket_path: str, channel_path: str) -> None:
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.listener.bind(socket_path)
        os.chmod(socket_path, 0o777)  # the program's user connects
        self.listener.listen(1024)
        self.listener.setblocking(False)
        self.out = open(channel_path, "ab")
        self.peers: dict[socket.socket, list] = {}   # connection -> [pid, unread bytes]
        self.records = 0
        # pid -> when its first record that shows the learner's code running came in (a child's
        # mp_start or fork, any process's first line or started child): what came before was the
        # interpreter's boot and imports, CPU a busy machine stretches
        self.began: dict[int, float] = {}
        # epoll, not select(): a fork bomb can open more than select's 1024 descriptors
        self.selector = selectors.DefaultSelector()
        self.selector.register(self.listener, selectors.EVENT_READ)

    def pump(self, timeout: float, also=()) -> list:
        """Take in what arrived within `timeout`; return which of `also` became readable."""
        for extra in also:
            self.selector.register(extra, selectors.EVENT_READ)
        try:
            events = self.selector.select(timeout)
        finally:
            for extra in also:
                self.selector.unregister(extra)
        ready = [key.fileobj for key, _ in events]
        for fileobj in ready:
            if fileobj is self.listener:
                self._accept()
            elif fileobj in self.peers:
                self._read(fileobj)
        self.out.flush()
        return [r for r in ready if r in also]

    def drain(self, seconds: float = 2.0) -> None:
        """Everything still queued or buffered, once the program's processes are gone: the
        connections not accepted yet, then every connection to its end."""
        deadline = time.monotonic() + seconds
        self._accept()
        while self.peers and time.monotonic() < deadline:
            self.pump(0.01)
            self._accept()
        self.out.flush()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except (BlockingIOError, OSError):
                return
            creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
            host_pid = struct.unpack("3i", creds)[0]
            conn.setblocking(False)
            self.peers[conn] = [host_pid, b""]
            self.selector.register(conn, selectors.EVENT_READ)

    def _read(self, conn: socket.socket) -> None:
        try:
            data = conn.recv(1 << 16)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        peer = self.peers[conn]
        if not data:
            self._write(peer, peer[1])
            self.selector.unregister(conn)
            conn.close()
            del self.peers[conn]
            return
        lines = (peer[1] + data).split(b"\n")
        peer[1] = lines.pop()
        for line in lines:
            self._write(peer, line)

    def _write(self, peer: list, line: bytes) -> None:
        if not line.strip():
            return
        try:
            record = json.loads(line)
        except ValueError:
            return
        if not isinstance(record, dict):
            return
        record["pid"] = peer[0]
        self.records += 1
        if record.get("ev") in LEARNER_CODE_RUNS and peer[0] not in self.began:
            self.began[peer[0]] = time.monotonic()
        self.out.write(json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n")


class Interrupted(Exception):
    """The supervisor itself was asked to end: it still kills the tree first."""


def stop_on_signal(signum, frame):
    raise Interrupted(signal.Signals(signum).name)


def stop_requested(channel: Channel) -> bool:
    """Take in records for a moment; True when the runner wrote a line, or closed our stdin
    (it is gone)."""
    return bool(channel.pump(POLL_SECONDS, (sys.stdin,)))


def sample_peaks(peaks: dict[int, int]) -> None:
    """Every process's peak memory so far (Linux: VmHWM, which only grows), kept by the pid the
    process knows itself by (NSpid: inside a sandbox's pid namespace, not ours)."""
    for pid in tree_pids():
        try:
            with open("/proc/%d/status" % pid, "rb") as handle:
                fields = dict(line.split(b":", 1) for line in handle if b":" in line)
            own_pid = int(fields.get(b"NSpid", str(pid).encode()).split()[-1])
            if b"VmHWM" in fields:
                peaks[own_pid] = max(peaks.get(own_pid, 0), int(fields[b"VmHWM"].split()[0]))
        except (OSError, ValueError):
            pass


TICK_NS = 10 ** 9 // os.sysconf("SC_CLK_TCK")


def tree_threads_cpu_ns() -> dict[tuple[int, str], int]:
    """CPU time each thread below this process has used so far, in nanoseconds, by (pid, tid):
    /proc/PID/task/TID/schedstat's first field (exact, where /proc/PID/stat counts 10 ms ticks:
    too coarse for a program that polls lightly); a process's ticks where a kernel has no
    schedstat."""
    found = {}
    for pid in tree_pids():
        per_thread = thread_files(pid, "schedstat")
        for tid, data in per_thread.items():
            if data.split():
                found[(pid, tid)] = int(data.split()[0])
        if per_thread:
            continue
        try:
            fields = stat_fields(pid)
            found[(pid, "")] = (int(fields[11]) + int(fields[12])) * TICK_NS   # utime, stime
        except (OSError, ValueError, IndexError):
            pass
    return found


class Stillness:
    """Whether the program has stopped moving: for `limit` seconds no record, no output, no
    process started or ended, and its processes together used less than STILL_CPU of a CPU
    (a Manager's server wakes once a second to look at its stop flag: microseconds). With the
    suites' sleeps scaled to a fraction of a second, a correct program is never that still; a
    deadlock (every process waiting in get(), join() or a lock for what cannot come) is, from
    its first moment on, and would only wait for its budget."""

    STILL_CPU = 0.001   # seconds of CPU per second

    def __init__(self, limit: float | None) -> None:
        self.limit = limit
        self.events: tuple = ()
        self.since = time.monotonic()
        self.cpu_then = 0

    def still_for_too_long(self, channel: "Channel", outputs: list[str]) -> bool:
        if not self.limit:
            return False
        now = time.monotonic()
        cpu = tree_threads_cpu_ns()
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


def tgkill(pid: int, tid: int, sig: int) -> bool:
    """Signal one thread (its handler then runs in that thread: faulthandler marks it as the
    current one); the whole process where the system call's number is not known here."""
    number = {"x86_64": 234, "aarch64": 131}.get(os.uname().machine)
    if number is None:
        return send(pid, sig)
    libc = ctypes.CDLL(None, use_errno=True)
    return libc.syscall(number, pid, tid, sig) == 0


class Spinning:
    """Threads that burn CPU where a program should wait: once its process runs the learner's
    code, a thread that did not sleep for `limit` seconds and used SPIN_CPU of CPU meanwhile.

    Not sleeping: a thread that does not sleep is on a CPU or waiting in the run queue for one,
    so its schedstat's first two fields (time on a CPU, time runnable but waiting) grow as fast as
    the clock, however busy the machine. That alone also holds for a thread that sleeps 1 ms at a
    time on a busy machine (each wake-up then waits long for a CPU): its voluntary context
    switches (one per sleep) tell it apart. A spinner makes them only to hand over the GIL to
    another thread of its process, which takes 5 ms of running first (sys.getswitchinterval).
    Its CPU: a correct thread computes in bursts (an import: 10-25 ms) that a busy machine
    stretches to a long time awake; a spinner keeps using CPU for as long as it spins.
    Each spinning thread is asked for its stack while it spins (SIGUSR2, to that thread: the
    instrumentation's faulthandler writes PID.spin)."""

    AWAKE = 0.75          # of the clock, at least, while it does not sleep...
    LAG = 0.1             # ...less this: the kernel adds a wait for a CPU once the wait is over (on a
                          # busy machine, one wait can outlast a look or two: not a sleep)
    CPU_PER_SLEEP = 2e6   # ns of CPU a spinner runs per voluntary switch, at least (GIL hand-overs: 5 ms)
    SPIN_CPU = 0.04       # seconds of CPU used in the stretch
    DUMPS_PER_PROCESS = 5

    def __init__(self, limit: float | None, stacks_dir: str) -> None:
        self.limit = limit
        self.stacks_dir = stacks_dir
        self.stretches: dict[tuple[int, str], tuple[float, int, int, int]] = {}  # since, awake, cpu, sleeps
        self.spins: dict[tuple[int, str], dict] = {}
        self.spun_since: dict[tuple[int, str], float] = {}   # when the reported spin of a thread began
        self.dumped: dict[int, int] = {}   # pid -> stack dumps asked of it
        self.dumps: dict[tuple, list[int]] = {}  # ((pid, tid), stretch's start) -> which of its process's dumps
        self.longest: dict[int, tuple[float, float]] = {}  # pid -> its longest stretch awake, its CPU (benches)

    def sample(self, began: dict[int, float], started: float) -> None:
        if not self.limit or not LINUX:
            return
        now = time.monotonic()
        for pid in tree_pids():
            if pid not in began:
                continue
            statuses = thread_files(pid, "status")
            for tid, data in thread_files(pid, "schedstat").items():
                try:
                    cpu, waiting = (int(x) for x in data.split()[:2])
                    sleeps = int(statuses[tid].split(b"voluntary_ctxt_switches:")[1].split()[0])
                except (ValueError, IndexError, KeyError):
                    continue
                self._look(pid, tid, now, (cpu + waiting, cpu, sleeps), started)

    def _look(self, pid: int, tid: str, now: float, counters: tuple[int, int, int], started: float) -> None:
        key = (pid, tid)
        if key not in self.stretches:
            self.stretches[key] = (now, *counters)
            return
        since, awake_then, cpu_then, sleeps_then = self.stretches[key]
        awake, cpu, sleeps = counters[0] - awake_then, counters[1] - cpu_then, counters[2] - sleeps_then
        if awake < (self.AWAKE * (now - since) - self.LAG) * 1e9 or sleeps > cpu / self.CPU_PER_SLEEP + 1:
            self.stretches[key] = (now, *counters)   # it slept: a new stretch starts
            return
        self.longest[pid] = max(self.longest.get(pid, (0.0, 0.0)), (now - since, cpu / 1e9))
        if now - since >= self.limit / 2 and cpu >= self.SPIN_CPU / 2 * 1e9 and key not in self.spins:
            # its stack now, while it may still spin, in case it is found spinning at the next looks
            self._dump(pid, tid, since)
        if now - since < self.limit or cpu < self.SPIN_CPU * 1e9:
            return
        if self.spun_since.setdefault(key, since) != since:
            return   # its first spin is the one reported
        if key not in self.spins:
            self._dump(pid, tid, since)   # and again now that it is found spinning
        spin = self.spins.setdefault(key, {"pid": pid, "tid": int(tid), "began": since - started})
        spin.update(seconds=now - since, cpu_seconds=cpu / 1e9, dumps=self.dumps.get((key, since), []))

    def _dump(self, pid: int, tid: str, since: float) -> None:
        """Ask the thread for its stack (a few times per process at most): the process's nth dump
        (PID.spin holds them in order) is then one of this stretch's."""
        if self.dumped.get(pid, 0) >= self.DUMPS_PER_PROCESS:
            return
        if os.path.exists(os.path.join(self.stacks_dir, "%d.spin" % pid)) and tgkill(pid, int(tid), signal.SIGUSR2):
            self.dumped[pid] = self.dumped.get(pid, 0) + 1
            self.dumps.setdefault(((pid, tid), since), []).append(self.dumped[pid])

    def report(self) -> list[dict]:
        return sorted(self.spins.values(), key=lambda spin: spin["began"])


def sample_writes(written: dict[int, int]) -> None:
    """Bytes each process has written so far (Linux: /proc/PID/io wchar), kept by pid, so that
    what an ended process wrote still counts."""
    for pid in tree_pids():
        try:
            with open("/proc/%d/io" % pid, "rb") as handle:
                for line in handle:
                    if line.startswith(b"wchar:"):
                        written[pid] = max(written.get(pid, 0), int(line.split()[1]))
                        break
        except (OSError, ValueError):
            pass


def wait_for_end(main_pid: int, statuses: dict[int, int], deadline: float, outputs: list[str],
                 output_cap: int, peaks: dict[int, int], write_cap: int, channel: Channel,
                 stillness: Stillness, reaped_at: dict[int, float], detached: dict[int, dict],
                 spinning: Spinning, started: float, written: dict[int, int],
                 sampler: states.StateSampler | None = None) -> str:
    """Why the run stopped: exited, stopped (asked by the runner), timeout, stalled (nothing
    moved for a while), flood (too much output) or disk (too much written). `written` gets the
    bytes each process wrote."""
    rounds = 0
    while True:
        rounds += 1
        if rounds % 4 == 0:
            sample_peaks(peaks)
            sample_writes(written)
            note_detached(main_pid, detached)
            if sum(written.values()) > write_cap:
                return "disk"
        if rounds % 20 == 0 and stillness.still_for_too_long(channel, outputs):
            return "stalled"
        if rounds % SPIN_EVERY == 0:
            spinning.sample(channel.began, started)
        if sampler is not None:
            sampler.sample(tree_pids)
        reap(statuses, reaped_at)
        if main_pid in statuses:
            channel.pump(0.0)
            return "exited"
        if stop_requested(channel):
            return "stopped"
        if time.monotonic() > deadline:
            return "timeout"
        if output_size(outputs) > output_cap:
            return "flood"


def limiter(limits: dict):
    """The resource limits of the program's processes (inherited by all of them), applied in the
    child between fork and exec: this process is single-threaded, so that is safe here."""
    import resource

    def apply() -> None:
        for name, value in limits.items():
            resource.setrlimit(getattr(resource, name), (value, value))

    return apply


def supervise(spec: dict) -> dict:
    subreaper = become_subreaper()
    offline = leave_the_network()
    stdin = open(spec["stdin_path"], "rb") if spec.get("stdin_path") else subprocess.DEVNULL
    stdout = open(spec["stdout_path"], "wb")
    stderr = open(spec["stderr_path"], "wb")
    env = dict(spec["env"])
    env["PROCGRADE_T0"] = repr(time.time())
    started = time.monotonic()
    user = spec.get("user")
    channel = Channel(spec["socket_path"], spec["channel_path"])
    identity = dict(user=user, group=user, extra_groups=[]) if user is not None else {}
    main = subprocess.Popen(
        [spec["python"], spec["program"], *spec["argv"]],
        cwd=spec["cwd"], env=env, stdin=stdin, stdout=stdout, stderr=stderr,
        start_new_session=True, close_fds=True, preexec_fn=limiter(spec.get("limits", {})),
        **identity,
    )
    for handle in (stdin, stdout, stderr):
        if handle is not subprocess.DEVNULL:
            handle.close()

    statuses: dict[int, int] = {}
    deadline = started + spec["budget"]
    outputs = [spec["stdout_path"], spec["stderr_path"], spec["channel_path"]]
    peaks: dict[int, int] = {}
    reaped_at: dict[int, float] = {}
    detached: dict[int, dict] = {}
    spinning = Spinning(spec.get("spin_after"), spec["env"].get("PROCGRADE_STACKS_DIR", ""))
    written: dict[int, int] = {}
    sampler = states.StateSampler(started, lambda pid: states.from_schedstat(thread_files(pid, "schedstat")), own_pid)
    try:
        reason = wait_for_end(main.pid, statuses, deadline, outputs, spec["output_cap"], peaks,
                              spec.get("write_cap", 1 << 40), channel, Stillness(spec.get("stall_after")),
                              reaped_at, detached, spinning, started, written, sampler)
    except Interrupted:
        kill_tree(main.pid, statuses)
        raise
    ended = time.monotonic()

    if reason in ("timeout", "stalled"):
        dump_stacks()

    leftovers: list[dict] = []
    if reason == "exited":
        # Helpers (resource tracker, forkserver) end on their own a moment after main; whatever
        # still runs after the grace period was left behind by the program.
        grace_end = time.monotonic() + LEFTOVER_GRACE_SECONDS
        while tree_pids() and time.monotonic() < grace_end:
            note_detached(main.pid, detached, main_ended=True)   # sessions only
            reap(statuses, reaped_at)
            channel.pump(POLL_SECONDS)
        leftovers = [d for d in map(describe, tree_pids()) if d]

    # how each process the supervisor reaped ended by itself, before the grader killed anything
    exits = [[pid, code, reaped_at.get(pid)] for pid, code in statuses.items()]
    killed = kill_tree(main.pid, statuses)
    if user is not None:
        killed += kill_user(user, statuses)
    channel.drain()
    strays = remove_strays(user) if user is not None else []
    return {
        "main_pid": main.pid,
        "returncode": statuses.get(main.pid),
        "reason": reason,
        "started": started,
        "ended": ended,
        "finished": time.monotonic(),
        "leftovers": leftovers,
        "killed": killed,
        "remaining": [d for d in map(describe, tree_pids()) if d],
        "subreaper": subreaper,
        "offline": offline,
        "peak_rss_kb": {str(pid): kb for pid, kb in peaks.items()},
        "strays": strays,
        "exits": exits,
        "detached": list(detached.values()),
        "written_bytes": sum(written.values()),
        "spins": spinning.report(),
        "states": sampler.report(),
        "longest_awake": {str(pid): list(stretch) for pid, stretch in spinning.longest.items()},
    }


def main(argv: list[str]) -> int:
    with open(argv[1], encoding="utf-8") as handle:
        spec = json.load(handle)
    signal.signal(signal.SIGTERM, stop_on_signal)
    signal.signal(signal.SIGINT, stop_on_signal)
    result = supervise(spec)
    tmp = spec["result_path"] + ".tmp"
    with open(tmp, "w", encoding="utf-8") as handle:
        json.dump(result, handle)
    os.replace(tmp, spec["result_path"])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
