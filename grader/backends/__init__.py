"""How the supervisor sees and controls a program's process tree: one interface, two backends.

- `linux`: the kernel's own facts. The supervisor becomes a child subreaper (every orphan, a
  double-forked or `setsid` daemon included, is re-parented to it), reads /proc (per-thread
  children lists, schedstat, VmHWM, wchar), stamps each record with SO_PEERCRED's pid, and, as
  root, leaves the network. Linux only.
- `portable`: psutil for trees, CPU, memory and I/O counters, `multiprocessing.connection` (an
  AF_UNIX socket or a Windows named pipe, with an authkey) for the records. No subreaper: it polls
  the tree often and remembers every process it saw (by pid and creation time), so an orphan
  re-parented to init is still killed and reported; the last sweep also kills every process whose
  environment names the run. On Windows a Job Object (kill-on-close, memory and process-count
  limits) holds the tree. The default on macOS and Windows; `--backend portable` or
  PROCGRADE_BACKEND=portable selects it on Linux (so that CI tests it there).

The supervisor imports only this package and the backend it runs; neither gives verdicts.
Platform differences live in the backends, never in `if not LINUX` branches of the supervisor.
"""

from __future__ import annotations

import json
import os
import sys
import time

NAMES = ("linux", "portable")
VARIABLE = "PROCGRADE_BACKEND"
LINUX = sys.platform.startswith("linux")
LEARNER_CODE_RUNS = ("mp_start", "fork", "line", "spawned")   # records a process sends from the learner's code on


class Unavailable(ValueError):
    """The backend asked for cannot run on this system."""


def default_name() -> str:
    return "linux" if LINUX else "portable"


def resolve(name: str = "", environ=os.environ) -> str:
    """The backend a run uses: `name`, else PROCGRADE_BACKEND, else the platform's default. A
    clear error for an unknown one, or for `linux` anywhere but Linux."""
    chosen = name or environ.get(VARIABLE, "") or default_name()
    if chosen in NAMES and (chosen != "linux" or LINUX):
        return chosen
    # the learner reads these words (the command prints them as they are); imported only here:
    # every run's supervisor resolves its backend, and gettext's import cost each 15-30 ms
    from ..i18n import _

    if chosen not in NAMES:
        raise Unavailable(_("unknown backend {name!r} (known: {known})").format(name=chosen, known=", ".join(NAMES)))
    raise Unavailable(_("--backend linux needs Linux; this system is {system}: use --backend portable").format(
        system=sys.platform))


def load(name: str) -> "Backend":
    name = resolve(name)
    if name == "linux":
        from . import linux
        return linux.LinuxBackend()
    from . import portable
    return portable.PortableBackend()


LINUX_AF_UNIX_PATH_MAX = 107   # sun_path's 108 bytes, with the terminating NUL


def channel_address(control_dir: str, name: str) -> str:
    """Where the program's processes send their records: a Unix socket in the run's control folder
    (kept short: macOS refuses AF_UNIX paths over 104 bytes, Linux over 108), a named pipe on
    Windows."""
    if name == "portable":
        from . import portable
        return portable.channel_address(control_dir)
    return short_socket_path(control_dir, LINUX_AF_UNIX_PATH_MAX)


def short_socket_path(control_dir: str, longest: int) -> str:
    """The control folder's socket, or, where that path would be longer than `longest` bytes, one
    in a short folder of its own under /tmp (the runner removes its folder), which a program under
    a user id of its own can reach."""
    path = os.path.join(control_dir, "rec.sock")
    if len(path.encode()) <= longest:
        return path
    import tempfile
    folder = tempfile.mkdtemp(prefix="pg-", dir="/tmp")
    os.chmod(folder, 0o711)
    return os.path.join(folder, "s")


class Backend:
    """What the supervisor asks of a system. Pids are the ones the supervisor can signal; records
    and reports carry the pid a process knows itself by (`own_pid`)."""

    name = ""

    # --- before the program starts -----------------------------------------------------------
    def prepare(self, spec: dict) -> dict:
        """Set the supervisor itself up for the run `spec` (a subreaper, a network of its own...);
        returns facts for the report: {"subreaper": bool, "offline": bool}."""
        raise NotImplementedError

    def popen_options(self, spec: dict) -> dict:
        """Keyword arguments for subprocess.Popen of the program's main process: its session or
        group, its user, its resource limits."""
        raise NotImplementedError

    def started(self, main) -> None:
        """The program's main process (a Popen) has started."""

    def open_channel(self, spec: dict) -> "Channel":
        raise NotImplementedError

    # --- the tree ------------------------------------------------------------------------------
    def tree_pids(self, fresh: bool = False) -> list[int]:
        """Every live process of the program's tree (zombies may be listed). A backend may serve
        one look for a moment; `fresh` asks for a look of its own, taken now (what is left after
        main ended)."""
        raise NotImplementedError

    def describe(self, pid: int) -> dict | None:
        """{pid, ppid, cmdline, status} of a live process; None once it is gone or a zombie."""
        raise NotImplementedError

    def own_pid(self, pid: int) -> int:
        return pid

    def note_detached(self, main_pid: int, found: dict[int, dict], main_ended: bool = False) -> None:
        """Processes that left the program's tree while main runs, kept by pid: {pid, how, cmdline}
        with how = "setsid" (a session of its own) or "orphaned" (its parent ended while main ran)."""

    def reap(self, statuses: dict[int, int], times: dict[int, float] | None = None) -> None:
        """Collect the exit statuses of the processes that ended and that this system lets the
        supervisor wait for (main at least), by pid."""
        raise NotImplementedError

    def kill_tree(self, main_pid: int, statuses: dict[int, int]) -> int:
        """Kill every process of the tree, again until none is left; reap them. Returns how many."""
        raise NotImplementedError

    def kill_user(self, uid: int, statuses: dict[int, int]) -> int:
        """Kill every process of the run's own user id (the last sweep when the grader is root)."""
        return 0

    def remove_strays(self, uid: int) -> list[str]:
        return []

    # --- what the tree did -----------------------------------------------------------------------
    def sample_peaks(self, peaks: dict[int, int]) -> None:
        """Each process's peak memory so far, in KiB, kept by own pid (max with what was seen)."""

    def sample_writes(self, written: dict[int, int]) -> None:
        """Bytes each process has written so far, kept by pid (max with what was seen); nothing
        where the system does not count them."""

    def threads_cpu_ns(self) -> dict[tuple[int, str], int]:
        """CPU time each thread of the tree has used so far, in ns, by (pid, thread id); a
        process's total under (pid, "") where threads cannot be told apart."""
        raise NotImplementedError

    def sample_threads(self) -> dict[tuple[int, str], tuple[int, int | None]]:
        """Per thread of the tree: (ns on a CPU, ns runnable but waiting for one, or None where
        the system does not say). For a timeline of executing / ready / waiting."""
        raise NotImplementedError

    def machine_idle_ns(self) -> int | None:
        """The machine's idle CPU time so far, summed over its CPUs, in ns: where sample_threads
        gives no thread's wait for a CPU, the time no CPU was free bounds the program's wait
        (states.StateSampler). None where the backend measures the waits themselves."""
        return None

    # --- diagnosis --------------------------------------------------------------------------------
    def ask_stacks(self, pids) -> None:
        """Ask every process for a dump of all its threads' stacks (PID.txt in the stacks folder)."""
        raise NotImplementedError

class Channel:
    """The instrumentation's records: one connection per process, each record stamped with the pid
    the system gives for its connection (the record's own where the system gives none), appended to
    the channel file, which the program cannot write. Subclasses take the records in."""

    def __init__(self, channel_path: str) -> None:
        self.out = open(channel_path, "ab")
        self.records = 0
        # pid -> when its first record that shows the learner's code running came in (a child's
        # mp_start or fork, any process's first line or started child): what came before was the
        # interpreter's boot and imports, CPU a busy machine stretches
        self.began: dict[int, float] = {}

    def pump(self, timeout: float) -> None:
        """Take in what arrives within `timeout`."""
        raise NotImplementedError

    def stop_requested(self, timeout: float) -> bool:
        """Take in records for `timeout`; True once the runner wrote a line on our stdin, or closed
        it (it is gone)."""
        raise NotImplementedError

    def drain(self, seconds: float = 2.0) -> None:
        """Everything still queued or buffered, once the program's processes are gone."""
        raise NotImplementedError

    def write(self, pid: int | None, line: bytes) -> None:
        if not line.strip():
            return
        try:
            record = json.loads(line)
        except ValueError:
            return
        if not isinstance(record, dict):
            return
        if pid is None:   # the system does not say who sent it: the record's word
            pid = record.get("pid")
            if not isinstance(pid, int):
                return
        record["pid"] = pid
        self.records += 1
        if record.get("ev") in LEARNER_CODE_RUNS and pid not in self.began:
            self.began[pid] = time.monotonic()
        self.out.write(json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n")
