"""The Linux backend: the kernel's own facts (see the package's docstring). Standard library only.

The supervisor becomes a child subreaper, so every orphan of the program's tree, double-forked and
`setsid` daemons included, is re-parented to it and stays in reach; it lists the tree from the
kernel's per-thread children lists, reads CPU from schedstat, peak memory from VmHWM, writes from
/proc/PID/io, stamps records with SO_PEERCRED, and, as root, moves into a network namespace with
no interface up.
"""

from __future__ import annotations

import ctypes
import os
import selectors
import signal
import socket
import struct
import sys
import time

from . import Backend, Channel
from .common import kill_user, remove_strays, send

PR_SET_CHILD_SUBREAPER = 36
CLONE_NEWNET = 0x40000000
TICK_NS = 10 ** 9 // os.sysconf("SC_CLK_TCK")

# /proc/PID/stat's state letters, as psutil names them
STATES = {"R": "running", "S": "sleeping", "D": "disk-sleep", "T": "stopped", "t": "tracing-stop",
          "X": "dead", "I": "idle", "P": "parked", "W": "waking", "K": "wake-kill"}


def leave_the_network() -> bool:
    """Move this process (and so the program it starts) into a network namespace of its own,
    with no interface up: a program cannot reach any address, loopback included. Needs root;
    Unix sockets by path (the records' channel) still work."""
    if os.geteuid() != 0:
        return False
    libc = ctypes.CDLL(None, use_errno=True)
    return libc.unshare(CLONE_NEWNET) == 0


def become_subreaper() -> bool:
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


def same_process(pid: int, began: bytes) -> bool:
    """Whether `pid` is still the process that started at `began` (/proc/PID/stat's starttime)."""
    try:
        return stat_fields(pid)[19] == began
    except (OSError, IndexError):
        return False


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


def tree_pids() -> list[int]:
    """The pids below this process, from the kernel's per-thread child lists: O(the tree), where
    psutil's children(recursive=True) reads /proc of every process on the machine. The lists can
    miss a child being created at that very moment: kill_tree walks again until none is left."""
    found, stack = [], [os.getpid()]
    while stack:
        for listed in thread_files(stack.pop(), "children").values():
            kids = [int(x) for x in listed.split() if x.isdigit()]
            found.extend(kids)
            stack.extend(kids)
    return found


def describe(pid: int) -> dict | None:
    """A live process: pid, parent, command line, state; None once it is gone or a zombie."""
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


def detachment(pid: int, how: str) -> dict:
    live = describe(pid) or {"cmdline": []}
    return {"pid": own_pid(pid), "how": how, "cmdline": live["cmdline"]}


def user_pids(uid: int) -> list[int]:
    """Every process whose real or effective user id is `uid`."""
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


def limiter(limits: dict):
    """The resource limits of the program's processes (inherited by all of them), applied in the
    child between fork and exec: the supervisor is single-threaded then, so that is safe."""
    import resource

    def apply() -> None:
        for name, value in limits.items():
            resource.setrlimit(getattr(resource, name), (value, value))

    return apply


class LinuxBackend(Backend):
    name = "linux"

    def prepare(self, spec: dict) -> dict:
        return {"subreaper": become_subreaper(), "offline": leave_the_network()}

    def popen_options(self, spec: dict) -> dict:
        user = spec.get("user")
        identity = dict(user=user, group=user, extra_groups=[]) if user is not None else {}
        return dict(start_new_session=True, close_fds=True, preexec_fn=limiter(spec.get("limits", {})), **identity)

    def open_channel(self, spec: dict) -> "UnixChannel":
        return UnixChannel(spec["socket_path"], spec["channel_path"])

    def tree_pids(self, fresh: bool = False) -> list[int]:
        return tree_pids()   # every look is fresh

    def describe(self, pid: int) -> dict | None:
        return describe(pid)

    def own_pid(self, pid: int) -> int:
        return own_pid(pid)

    def note_detached(self, main_pid: int, found: dict[int, dict], main_ended: bool = False) -> None:
        """One in a session other than main's (os.setsid(); main leads its own session), or one
        re-parented to this subreaper although main still runs (its parent ended first: a double
        fork)."""
        orphans = []
        suspects = []
        for pid in self.tree_pids():
            if pid == main_pid or pid in found:
                continue
            try:
                fields = stat_fields(pid)
                state, ppid, session, began = fields[0], int(fields[1]), int(fields[3]), fields[19]
            except (OSError, IndexError, ValueError):
                continue
            if state == b"Z":
                continue
            if session != main_pid:
                suspects.append((pid, began, "setsid"))
            elif ppid == os.getpid():
                orphans.append((pid, began))
        # A pid listed a moment ago may have ended and been given to a process of another run (pids
        # wrap at 32768): an accusation stands only for a process still in this tree, with the
        # start time the facts were read from.
        if suspects or orphans:
            live = set(tree_pids())
            suspects = [(pid, how) for pid, began, how in suspects if pid in live and same_process(pid, began)]
            orphans = [pid for pid, began in orphans if pid in live and same_process(pid, began)]
        for pid, how in suspects:
            found[pid] = detachment(pid, how)
        # An orphan counts only while main still runs once it was seen: main's own end re-parents
        # its children to us, and that is no fault of theirs.
        try:
            main_runs = not main_ended and stat_fields(main_pid)[0] != b"Z"
        except (OSError, IndexError):
            main_runs = False
        if main_runs:
            for pid in orphans:
                found[pid] = detachment(pid, "orphaned")

    def reap(self, statuses: dict[int, int], times: dict[int, float] | None = None) -> None:
        reap(statuses, times)

    def kill_tree(self, main_pid: int, statuses: dict[int, int]) -> int:
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
            if main_pid not in statuses:
                try:
                    os.killpg(main_pid, signal.SIGKILL)
                except OSError:
                    pass
            time.sleep(0.002)
            reap(statuses)
        reap(statuses)
        return len(killed)

    def kill_user(self, uid: int, statuses: dict[int, int]) -> int:
        return kill_user(uid, statuses, user_pids, reap, describe)

    def remove_strays(self, uid: int) -> list[str]:
        return remove_strays(uid)

    def sample_peaks(self, peaks: dict[int, int]) -> None:
        """VmHWM (which only grows), by the pid the process knows itself by (NSpid)."""
        for pid in self.tree_pids():
            try:
                with open("/proc/%d/status" % pid, "rb") as handle:
                    fields = dict(line.split(b":", 1) for line in handle if b":" in line)
                own = int(fields.get(b"NSpid", str(pid).encode()).split()[-1])
                if b"VmHWM" in fields:
                    peaks[own] = max(peaks.get(own, 0), int(fields[b"VmHWM"].split()[0]))
            except (OSError, ValueError):
                pass

    def sample_writes(self, written: dict[int, int]) -> None:
        """/proc/PID/io wchar: so that what an ended process wrote still counts."""
        for pid in self.tree_pids():
            try:
                with open("/proc/%d/io" % pid, "rb") as handle:
                    for line in handle:
                        if line.startswith(b"wchar:"):
                            written[pid] = max(written.get(pid, 0), int(line.split()[1]))
                            break
            except (OSError, ValueError):
                pass

    def threads_cpu_ns(self) -> dict[tuple[int, str], int]:
        """schedstat's first field (exact, where /proc/PID/stat counts 10 ms ticks: too coarse for a
        program that polls lightly); a process's ticks where a kernel has no schedstat."""
        found = {}
        for pid in self.tree_pids():
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

    def sample_threads(self) -> dict[tuple[int, str], tuple[int, int | None]]:
        found: dict[tuple[int, str], tuple[int, int | None]] = {}
        for pid in self.tree_pids():
            for tid, data in thread_files(pid, "schedstat").items():
                try:
                    cpu, waiting = (int(x) for x in data.split()[:2])
                except ValueError:
                    continue
                found[(pid, tid)] = (cpu, waiting)
        return found

    def ask_stacks(self, pids) -> None:
        """SIGUSR1: the instrumentation's faulthandler writes every thread's stack to PID.txt."""
        for pid in pids:
            send(pid, signal.SIGUSR1)

class UnixChannel(Channel):
    """The records over a Unix socket, one connection per process, each stamped with the pid the
    kernel gives for its connection (SO_PEERCRED): a process can only speak for itself. (In a
    sandbox this supervisor runs inside the program's pid namespace, so the kernel's pids are the
    ones the processes know themselves by.) The runner's stop request comes on stdin, watched
    with the sockets."""

    def __init__(self, socket_path: str, channel_path: str) -> None:
        super().__init__(channel_path)
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.listener.bind(socket_path)
        os.chmod(socket_path, 0o777)  # the program's user connects
        self.listener.listen(1024)
        self.listener.setblocking(False)
        self.peers: dict[socket.socket, list] = {}   # connection -> [pid, unread bytes]
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

    def stop_requested(self, timeout: float) -> bool:
        return bool(self.pump(timeout, (sys.stdin,)))

    def drain(self, seconds: float = 2.0) -> None:
        """The connections not accepted yet, then every connection to its end."""
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
            self.write(peer[0], peer[1])
            self.selector.unregister(conn)
            conn.close()
            del self.peers[conn]
            return
        lines = (peer[1] + data).split(b"\n")
        peer[1] = lines.pop()
        for line in lines:
            self.write(peer[0], line)
