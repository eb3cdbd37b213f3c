"""The portable backend: psutil and multiprocessing.connection, on macOS, Windows and Linux.

- The tree: no subreaper here, so it is polled often (psutil) and every process ever seen is
  remembered by pid and creation time (psutil.Process refuses to signal a pid that now belongs to
  another process). An orphan re-parented to init (a double fork, a `setsid` daemon) is still
  listed, killed and reported as a leftover or as detached, as long as it was seen once before it
  left; the last sweep also kills every process whose environment names the run's control folder
  (a process that escaped between two looks still inherited it). On Windows a Job Object
  (winjob.py: kill-on-close, memory and process-count limits) holds the tree from main's start.
- Exit statuses: main's (Popen); the others' come from the instrumentation's records.
- Memory: peak working set (Windows) or the highest RSS sampled. Writes: psutil's I/O counters
  (Linux: wchar; Windows: every byte written); macOS counts none, so there only RLIMIT_FSIZE caps
  a file.
- CPU per thread: psutil's per-thread user + system times. The system gives no time spent
  waiting for a CPU: the machine's idle time bounds the program's wait (machine_idle_ns).
- Records: a multiprocessing.connection Listener with an authkey, on an AF_UNIX socket (a named
  pipe on Windows); the sender's pid from the OS where it gives it (SO_PEERCRED on Linux,
  LOCAL_PEERPID on macOS, GetNamedPipeClientProcessId on Windows), else the pid in the record.
  Each connection is read by a thread of its own; the runner's stop request on stdin too
  (Windows' select() takes no pipes).
- Stack dumps: SIGUSR1 to the process where the system has it; elsewhere (or with
  PROCGRADE_DUMPS=files) a request file the instrumentation's watcher thread answers
  (stacks/PID.ask: every thread to PID.txt).
- Limits: resource limits in preexec_fn on POSIX, those the system accepts (macOS refuses
  RLIMIT_AS: left out); the Job Object's on Windows. No network isolation, no uid separation
  on Windows.
"""

from __future__ import annotations

import os
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from typing import Optional

import psutil

from . import Backend, Channel, short_socket_path
from .common import kill_user, remove_strays

WINDOWS = sys.platform == "win32"
MACOS = sys.platform == "darwin"
AF_UNIX_PATH_MAX = 100        # macOS: 104 bytes with the terminating NUL; Linux 108
TREE_FRESH_SECONDS = 0.1    # one look at the machine's processes serves this long (a few ms of CPU each)
HAS_USER_SIGNALS = hasattr(signal, "SIGUSR1")
UNSUPPORTED_LIMITS = {"darwin": ("RLIMIT_AS",)}   # setrlimit raises ValueError there


def dumps_by_files(environ=os.environ) -> bool:
    """Whether stack dumps are asked by request files rather than signals."""
    return not HAS_USER_SIGNALS or environ.get("PROCGRADE_DUMPS") == "files"


def ppid_map() -> dict[int, int]:
    """Every process's parent, by pid: psutil's own fast map (children() uses it: one read of
    each /proc/PID/stat on Linux), else from process_iter."""
    fast = getattr(psutil, "_ppid_map", None)
    if fast is not None:
        try:
            return dict(fast())
        except (psutil.Error, OSError):
            pass
    return {p.pid: p.info["ppid"] for p in psutil.process_iter(["ppid"]) if p.info.get("ppid") is not None}


def channel_address(control_dir: str) -> str:
    """A named pipe on Windows; else the control folder's socket, or, where that path would be too
    long for AF_UNIX (macOS: 104 bytes), one in a short folder of its own under /tmp (the runner
    removes its folder)."""
    if WINDOWS:
        import secrets
        return r"\\.\pipe\procgrade-%s" % secrets.token_hex(8)
    return short_socket_path(control_dir, AF_UNIX_PATH_MAX)


def family(address: str) -> str:
    return "AF_PIPE" if address.startswith("\\\\") else "AF_UNIX"


def instrument_env(environ=os.environ) -> dict[str, str]:
    """What the instrumentation needs to know of this backend: an authkey for the channel, and
    how stack dumps are asked."""
    return {"PROCGRADE_AUTHKEY": os.urandom(16).hex(),
            "PROCGRADE_DUMPS": "files" if dumps_by_files(environ) else "signals"}


def supported_limits(limits: dict, platform: str = sys.platform) -> dict:
    """The run's limits (resource's names) this system accepts."""
    import resource
    refused = UNSUPPORTED_LIMITS.get(platform, ())
    return {name: value for name, value in limits.items() if hasattr(resource, name) and name not in refused}


def limiter(limits: dict):
    """Resource limits applied in the child between fork and exec (POSIX), those the system has."""
    import resource
    wanted = [(getattr(resource, name), value) for name, value in supported_limits(limits).items()]

    def apply() -> None:
        for which, value in wanted:
            try:
                resource.setrlimit(which, (value, value))
            except (ValueError, OSError):
                pass   # a limit this system will not set: the others still hold

    return apply


def peer_pid(conn) -> Optional[int]:
    """The pid of the process at the other end of a multiprocessing Connection, as the OS gives
    it; None where it does not."""
    try:
        if WINDOWS:
            import ctypes
            from ctypes import wintypes
            pid = wintypes.ULONG()
            ok = ctypes.windll.kernel32.GetNamedPipeClientProcessId(wintypes.HANDLE(conn._handle), ctypes.byref(pid))
            return int(pid.value) if ok else None
        sock = socket.socket(fileno=os.dup(conn.fileno()))
        try:
            if hasattr(socket, "SO_PEERCRED"):
                creds = sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
                return struct.unpack("3i", creds)[0]
            if MACOS:
                return sock.getsockopt(0, 0x002)   # SOL_LOCAL, LOCAL_PEERPID
        finally:
            sock.close()
    except (OSError, AttributeError, ValueError):
        pass
    return None


class PortableBackend(Backend):
    name = "portable"

    def __init__(self) -> None:
        self.me = psutil.Process()
        self.known: dict[int, psutil.Process] = {}   # every process of the tree ever seen
        self.tree: list[int] = []
        self.tree_at = 0.0
        self.main: Optional[subprocess.Popen] = None
        self.job = None
        self.stacks_dir = ""
        self.marker = ""
        self.by_files = False
        self.limits: dict = {}
        self.since = self.me.create_time()   # processes started before this one are no run's
        self.looked_at: set[int] = set()   # the machine's pids at the last look

    # --- before the program starts -------------------------------------------------------------
    def prepare(self, spec: dict) -> dict:
        self.stacks_dir = spec["env"].get("PROCGRADE_STACKS_DIR", "")
        self.marker = spec["env"].get("PROCGRADE_CONTROL", "") or os.path.dirname(self.stacks_dir)
        self.by_files = spec["env"].get("PROCGRADE_DUMPS") == "files"
        self.limits = spec.get("limits", {})
        return {"subreaper": False, "offline": False}

    def popen_options(self, spec: dict) -> dict:
        if WINDOWS:
            return dict(creationflags=subprocess.CREATE_NEW_PROCESS_GROUP, close_fds=True)
        user = spec.get("user")
        identity = dict(user=user, group=user, extra_groups=[]) if user is not None else {}
        return dict(start_new_session=True, close_fds=True, preexec_fn=limiter(spec.get("limits", {})), **identity)

    def started(self, main) -> None:
        self.main = main
        try:
            self.known[main.pid] = psutil.Process(main.pid)
        except psutil.Error:
            pass
        if WINDOWS:
            from . import winjob
            self.job = winjob.hold(main, self.limits)

    def open_channel(self, spec: dict) -> "ConnectionChannel":
        return ConnectionChannel(spec["socket_path"], bytes.fromhex(spec["env"]["PROCGRADE_AUTHKEY"]),
                                 spec["channel_path"])

    # --- the tree --------------------------------------------------------------------------------
    def _scan(self, fresh: bool = False) -> list[int]:
        """The tree's live pids: below this process, below every process seen before (an orphan
        re-parented to init included), those seen before themselves, and every process started
        since this one whose environment names the run (one that left the tree between two looks,
        a double fork's grandchild say: it inherited the environment). Zombies are walked through
        but not listed. One look reads every process's parent (psutil's own map, as children()
        does), then only what is new."""
        now = time.monotonic()
        if not fresh and now - self.tree_at < TREE_FRESH_SECONDS:
            return self.tree
        parents = ppid_map()
        children: dict[int, list[int]] = {}
        for pid, ppid in parents.items():
            children.setdefault(ppid, []).append(pid)
        roots = [self.me.pid]
        for pid, proc in list(self.known.items()):
            if pid in parents and proc.is_running():   # the same process (pid and creation time), not a reused pid
                roots.append(pid)
            else:
                del self.known[pid]
        found = self._walk(roots, children)
        inside = set(found)
        strays = [pid for pid in parents.keys() - self.looked_at if pid not in inside and self._marked(pid)]
        self.looked_at = set(parents)
        if strays:
            found = self._walk(roots + strays, children)
        live = []
        for pid in found:
            proc = self.known.get(pid)
            try:
                if proc is None:
                    proc = self.known[pid] = psutil.Process(pid)
                if proc.status() != psutil.STATUS_ZOMBIE:
                    live.append(pid)
            except psutil.Error:
                continue
        self.tree, self.tree_at = live, time.monotonic()
        return live

    def _walk(self, roots: list[int], children: dict[int, list[int]]) -> list[int]:
        found, seen, stack = [], set(), list(roots)
        while stack:
            pid = stack.pop()
            if pid in seen:
                continue
            seen.add(pid)
            if pid != self.me.pid:
                found.append(pid)
            stack.extend(children.get(pid, ()))
        return found

    def _marked(self, pid: int) -> bool:
        """Whether a process that appeared since the last look, and started after this one, has
        the run named in its environment."""
        try:
            proc = psutil.Process(pid)
            return proc.create_time() >= self.since and any(self.marker in v for v in proc.environ().values())
        except psutil.Error:
            return False

    def tree_pids(self, fresh: bool = False) -> list[int]:
        return list(self._scan(fresh))

    def describe(self, pid: int) -> Optional[dict]:
        proc = self.known.get(pid)
        try:
            proc = proc or psutil.Process(pid)
            with proc.oneshot():
                if not proc.is_running() or proc.status() == psutil.STATUS_ZOMBIE:
                    return None
                return {"pid": pid, "ppid": proc.ppid(), "cmdline": proc.cmdline()[:8], "status": proc.status()}
        except psutil.Error:
            return None

    def note_detached(self, main_pid: int, found: dict[int, dict], main_ended: bool = False) -> None:
        """One in a session other than main's (POSIX: os.setsid(); main leads its own session), or,
        while main runs, one whose parent is no process of the tree any more (it ended first: a
        double fork; the orphan now hangs below init)."""
        tree = self._scan()
        inside = set(tree) | {self.me.pid}
        main_runs = not main_ended and self.main is not None and self.main.poll() is None
        for pid in tree:
            if pid == main_pid or pid in found:
                continue
            proc = self.known.get(pid)
            try:
                session = os.getsid(pid) if hasattr(os, "getsid") else main_pid
                ppid = proc.ppid() if proc is not None else None
            except (OSError, psutil.Error):
                continue
            how = "setsid" if session != main_pid else ("orphaned" if main_runs and ppid not in inside else "")
            if how:
                live = self.describe(pid) or {"cmdline": []}
                found[pid] = {"pid": pid, "how": how, "cmdline": live["cmdline"]}

    def reap(self, statuses: dict[int, int], times: Optional[dict[int, float]] = None) -> None:
        """Main's exit status: the only process of the tree that is this one's child."""
        if self.main is not None and self.main.pid not in statuses and self.main.poll() is not None:
            statuses[self.main.pid] = self.main.returncode
            if times is not None:
                times[self.main.pid] = time.monotonic()

    def kill_tree(self, main_pid: int, statuses: dict[int, int]) -> int:
        """Stop, then kill, every process of the tree (and, on Windows, the Job Object's), until
        none is left; then every process whose environment names the run."""
        killed: set[int] = set()
        if self.job is not None:
            from . import winjob
            winjob.kill(self.job)
        for _ in range(200):
            pids = self._scan(fresh=True)
            if not pids:
                break
            for pid in pids:
                proc = self.known.get(pid)
                if proc is None:
                    continue
                try:
                    if not WINDOWS:
                        proc.suspend()   # so that a fork bomb cannot outrun the kills
                    proc.kill()
                    killed.add(pid)
                except psutil.Error:
                    pass
            if not WINDOWS and main_pid not in statuses:
                try:   # the session at once, while its leader's pid is still its own (unreaped)
                    os.killpg(main_pid, signal.SIGKILL)
                except OSError:
                    pass
            time.sleep(0.002)
            self.reap(statuses)
        killed |= self._sweep_marked()
        self.reap(statuses)
        return len(killed)

    def _sweep_marked(self) -> set[int]:
        """Every process whose environment names the run's control folder: one that left the tree
        between two looks still inherited it."""
        if not self.marker:
            return set()
        victims = []
        for proc in psutil.process_iter():
            if proc.pid == self.me.pid:
                continue
            try:
                if any(self.marker in value for value in proc.environ().values()):
                    proc.kill()
                    victims.append(proc)
            except psutil.Error:
                continue
        # until each is gone or a zombie (an orphan's zombie waits for init, which here may reap it
        # late: psutil.wait_procs would wait its whole time-out for it)
        deadline = time.monotonic() + 2.0
        while time.monotonic() < deadline and any(self.describe(proc.pid) for proc in victims):
            time.sleep(0.01)
        return {proc.pid for proc in victims}

    def kill_user(self, uid: int, statuses: dict[int, int]) -> int:
        def user_pids(uid: int) -> list[int]:
            return [p.pid for p in psutil.process_iter(["uids"])
                    if p.info.get("uids") is not None and uid in (p.info["uids"].real, p.info["uids"].effective)]
        return kill_user(uid, statuses, user_pids, self.reap, self.describe)

    def remove_strays(self, uid: int) -> list[str]:
        return [] if WINDOWS else remove_strays(uid)

    # --- what the tree did -------------------------------------------------------------------------
    def _each(self, pids=None):
        for pid in self._scan() if pids is None else pids:
            proc = self.known.get(pid)
            if proc is not None:
                yield pid, proc

    def sample_peaks(self, peaks: dict[int, int]) -> None:
        for pid, proc in self._each():
            try:
                memory = proc.memory_info()
            except psutil.Error:
                continue
            kb = max(getattr(memory, "peak_wset", 0), memory.rss) >> 10
            peaks[pid] = max(peaks.get(pid, 0), kb)

    def sample_writes(self, written: dict[int, int]) -> None:
        for pid, proc in self._each():
            try:
                counters = proc.io_counters()
            except (psutil.Error, AttributeError, NotImplementedError):
                continue   # macOS: psutil has no I/O counters
            count = getattr(counters, "write_chars", counters.write_bytes)
            written[pid] = max(written.get(pid, 0), count)

    def _threads(self, proc) -> dict[str, int]:
        """CPU ns by thread id; the process's total under "" where threads cannot be read."""
        try:
            return {str(t.id): int((t.user_time + t.system_time) * 1e9) for t in proc.threads()}
        except (psutil.Error, NotImplementedError):
            pass
        try:
            times = proc.cpu_times()
            return {"": int((times.user + times.system) * 1e9)}
        except psutil.Error:
            return {}

    def threads_cpu_ns(self) -> dict[tuple[int, str], int]:
        found = {}
        for pid, proc in self._each():
            for tid, ns in self._threads(proc).items():
                found[(pid, tid)] = ns
        return found

    def sample_threads(self) -> dict[tuple[int, str], tuple[int, Optional[int]]]:
        return {key: (ns, None) for key, ns in self.threads_cpu_ns().items()}

    def machine_idle_ns(self) -> Optional[int]:
        try:
            times = psutil.cpu_times()
        except (psutil.Error, OSError):
            return None
        return int((times.idle + getattr(times, "iowait", 0.0)) * 1e9)

    # --- diagnosis ----------------------------------------------------------------------------------
    def _request(self, pid: int, name: str, text: str = "") -> bool:
        try:
            path = os.path.join(self.stacks_dir, name % pid)
            with open(path + ".tmp", "w") as handle:
                handle.write(text)
            os.replace(path + ".tmp", path)
            return True
        except OSError:
            return False

    def ask_stacks(self, pids) -> None:
        for pid, proc in self._each(pids):
            if self.by_files:
                self._request(pid, "%d.ask")
            else:
                try:
                    proc.send_signal(signal.SIGUSR1)
                except psutil.Error:
                    pass




def messages(conn):
    """A Connection's messages, one list of one at a time."""
    while True:
        yield [conn.recv_bytes()]


def framed_messages(fd: int, chunk: int = 1 << 16):
    """A Connection's messages read straight from its descriptor, as many as one read brings
    (multiprocessing.connection's framing: a 4-byte big-endian signed length, or -1 and an 8-byte
    one): one wake-up for many records, where recv_bytes takes two reads for each, and a busy
    machine then slows the program's prints down to the pace of the supervisor's wake-ups."""
    buffer = b""
    while True:
        data = os.read(fd, chunk)
        if not data:
            return
        buffer += data
        found, start = [], 0
        while True:
            if len(buffer) - start < 4:
                break
            (size,) = struct.unpack_from("!i", buffer, start)
            head = 4
            if size == -1:
                if len(buffer) - start < 12:
                    break
                (size,) = struct.unpack_from("!Q", buffer, start + 4)
                head = 12
            if size < 0 or len(buffer) - start - head < size:
                if size < 0:
                    return   # not a Connection's framing: the connection is dropped
                break
            found.append(buffer[start + head:start + head + size])
            start += head + size
        buffer = buffer[start:]
        if found:
            yield found


class ConnectionChannel(Channel):
    """The records over a multiprocessing.connection Listener: an accepting thread, then a thread
    per connection that checks its authkey, asks the OS who is at the other end, and writes each
    record it reads to the channel file (under a lock: the supervisor's loop only flushes it). The
    runner's stop request: a thread that reads stdin."""

    def __init__(self, address: str, authkey: bytes, channel_path: str) -> None:
        from multiprocessing.connection import Listener
        super().__init__(channel_path)
        self.authkey = authkey
        self.listener = Listener(address, family(address), backlog=1024)
        if family(address) == "AF_UNIX":
            os.chmod(address, 0o777)   # the program's user connects (the authkey still guards it)
        self.open_connections = 0
        self.lock = threading.Lock()
        self.stop = threading.Event()
        threading.Thread(target=self._accept_all, daemon=True).start()
        threading.Thread(target=self._read_stdin, daemon=True).start()

    def _read_stdin(self) -> None:
        try:
            # the raw descriptor: a daemon thread blocked in the buffered reader would hold its
            # lock while the interpreter ends (it then waits for it, and calls that fatal)
            os.read(sys.stdin.fileno(), 1)   # a line, or the end of stdin: the runner is gone
        except (OSError, ValueError, AttributeError):
            pass
        self.stop.set()

    def _accept_all(self) -> None:
        while True:
            try:
                conn = self.listener.accept()
            except OSError:
                return
            with self.lock:
                self.open_connections += 1
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn) -> None:
        from multiprocessing.connection import answer_challenge, deliver_challenge
        try:
            deliver_challenge(conn, self.authkey)
            answer_challenge(conn, self.authkey)
            pid = peer_pid(conn)
            for data in (messages(conn) if WINDOWS else framed_messages(conn.fileno())):
                with self.lock:
                    for message in data:
                        for line in message.split(b"\n"):
                            self.write(pid, line)
        except Exception:   # the end of the connection, a wrong key, a broken message: it ends
            pass
        finally:
            conn.close()
            with self.lock:
                self.open_connections -= 1

    def pump(self, timeout: float) -> None:
        if timeout > 0:
            self.stop.wait(timeout)
        with self.lock:
            self.out.flush()

    def stop_requested(self, timeout: float) -> bool:
        self.pump(timeout)
        return self.stop.is_set()

    def drain(self, seconds: float = 2.0) -> None:
        """Until every connection has ended (its process is gone), for `seconds` at most."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            with self.lock:
                busy = self.open_connections
            if not busy:
                break
            time.sleep(0.01)
        self.pump(0)
