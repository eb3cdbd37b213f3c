"""Who runs a learner's program, and with what limits.

A grader running as root runs each program under its own unprivileged user id, picked at random
from a large range, never one this grader gave out before nor one that owns a process now, and
claimed on the machine for as long as the run lasts, so that another grader cannot give it out
meanwhile (the final sweep of a run kills every process of its id: two runs sharing one would
kill each other).
Root is exempt from RLIMIT_NPROC (so a fork bomb would be limited only by the supervisor's
polling), can signal the supervisor, and can write anywhere. Under its own id the program
cannot signal the grader or another student's run, cannot write to the grader's folders or to
its own program, and its processes are counted by RLIMIT_NPROC.

That user must be able to execute an interpreter: the grader's own when it is readable by
others, else the system's /usr/bin/python3 (pyenv installs live in root's 0700 home). Without a
usable one the program runs as the grader's user, and the limits that do not depend on the user
still apply.
"""

from __future__ import annotations

import functools
import os
import secrets
import shutil
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from .states import STRETCH

FIRST_UID = 200_000
UID_COUNT = 100_000
SYSTEM_PYTHONS = ("/usr/bin/python3", "/usr/local/bin/python3")

# Per process of the program, inherited by all of them (resource's names).
LIMITS = {
    "RLIMIT_NPROC": 256,                 # processes and threads of the run's user
    "RLIMIT_AS": 2 * 1024 ** 3,          # address space
    "RLIMIT_FSIZE": 256 * 1024 ** 2,     # largest file it may write
    "RLIMIT_CORE": 0,
}
WRITE_CAP_BYTES = 1024 ** 3              # everything the run's processes write, together


@dataclass(frozen=True)
class Identity:
    uid: Optional[int]    # None: the grader's own user
    python: str           # the interpreter the program runs with
    claim: object = field(default=None, compare=False)   # what keeps uid this run's on the machine (release)


def release(identity: Identity) -> None:
    """The run is over (its final sweep done): its user id may go to another run."""
    if identity.claim is not None:
        identity.claim.close()


def claim(uid: int):
    """Linux: a socket bound to an abstract name of the id's own, which no other process on the
    machine can bind while it is open (the kernel lets it go when it is closed, or when its
    process dies): two graders on one machine (two shards of a class, a CI beside a grading)
    never give one id to two runs: a run's final sweep would kill the other's processes and remove
    its files (the likely cause of an ex03 main killed by SIGKILL before its first line, once in
    700 gradings of the solutions with three graders at once at load 50; each grader had checked
    only its own ids and the processes it saw). None: another process holds it. Elsewhere: no
    claim."""
    import socket

    if not sys.platform.startswith("linux"):
        return NOT_CLAIMED
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.bind("\0procgrade-uid-%d" % uid)
    except OSError:
        sock.close()
        return None
    return sock


class _NotClaimed:
    def close(self) -> None:
        pass


NOT_CLAIMED = _NotClaimed()


def limits_for(budget: float, identity: Identity) -> dict[str, int]:
    # The CPU limit is a backstop that must never come before the budget: a budget counted in the
    # program's time stretches to STRETCH times its length on a busy machine, and a spinner that
    # keeps a CPU all along uses that much CPU (with budget + 10, the portable backend's spin_in_main
    # was killed by the kernel at load 18, and told "main exited with code -9" instead of stopped).
    limits = dict(LIMITS, RLIMIT_CPU=int(STRETCH * budget) + 10)
    if identity.uid is None:
        del limits["RLIMIT_NPROC"]  # would count the grader's own processes too
    return limits


def choose(python: str = sys.executable) -> Identity:
    """A fresh unprivileged user id and an interpreter it can run, when the grader is root."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return Identity(None, python)
    runnable = usable_python(python)
    if runnable is None:
        return Identity(None, python)
    with _GIVEN_LOCK:
        if len(_GIVEN) > UID_COUNT // 2:   # a very long grading: the oldest runs are long over
            _GIVEN.clear()
        in_use = uids_in_use()
        while True:
            uid = FIRST_UID + secrets.randbelow(UID_COUNT)
            if uid in _GIVEN or uid in in_use:
                continue
            held = claim(uid)
            if held is not None:
                _GIVEN.add(uid)
                return Identity(uid, runnable, held)


_GIVEN: set[int] = set()          # user ids this grader process gave to runs (runs start from threads)
_GIVEN_LOCK = threading.Lock()


def uids_in_use() -> set[int]:
    """The user ids of the range that own a process now (the owner of /proc/PID)."""
    found = set()
    try:
        names = os.listdir("/proc")
    except OSError:
        return found
    for name in names:
        if name.isdigit():
            try:
                uid = os.stat("/proc/" + name).st_uid
            except OSError:
                continue
            if FIRST_UID <= uid < FIRST_UID + UID_COUNT:
                found.add(uid)
    return found


@functools.lru_cache(maxsize=None)
def usable_python(preferred: str) -> Optional[str]:
    """The first interpreter an unprivileged user can start, checked once per grader process."""
    for candidate in (preferred, *SYSTEM_PYTHONS):
        if not os.path.exists(candidate):
            continue
        try:
            done = subprocess.run([candidate, "-S", "-c", "pass"], user=FIRST_UID - 1, group=FIRST_UID - 1,
                                  extra_groups=[], stdin=subprocess.DEVNULL, capture_output=True, timeout=20,
                                  env={"PATH": os.environ.get("PATH", "/usr/bin:/bin")})
        except (OSError, subprocess.SubprocessError):
            continue
        if done.returncode == 0:
            return candidate
    return None


def reachable(folder: Path) -> bool:
    """Whether another user can reach `folder`: every folder above it lets others pass."""
    for parent in folder.resolve().parents:
        try:
            if not parent.stat().st_mode & 0o001:
                return False
        except OSError:
            return False
    return True


SANDBOXES = ("none", "bwrap")


def wrapper(sandbox: str, root: Path) -> list[str]:
    """The command that puts a run (its supervisor and the program) in a sandbox.

    bwrap (Debian's bubblewrap): its own pid namespace (the program sees only its own processes
    and its supervisor, and they all die with the runner), no network, the whole system
    read-only (/tmp too: its TMPDIR is a folder of the run), a private /dev/shm, and only the
    run's folder writable. The grader's own files (its interpreter, the supervisor) may live
    under /tmp, so /tmp is not replaced, only made read-only."""
    if sandbox in ("", "none"):
        return []
    if sandbox != "bwrap":
        raise ValueError("unknown sandbox %r (known: %s)" % (sandbox, ", ".join(SANDBOXES)))
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        raise ValueError("--sandbox bwrap needs bubblewrap (Debian: apt-get install bubblewrap)")
    return [bwrap, "--unshare-pid", "--unshare-net", "--unshare-ipc", "--die-with-parent",
            "--ro-bind", "/", "/", "--dev", "/dev", "--perms", "1777", "--tmpfs", "/dev/shm",
            "--proc", "/proc", "--bind", str(root), str(root), "--"]


def hand_over(uid: Optional[int], writable: list[Path], readable: list[Path]) -> None:
    """Let the run's user write its working folders and read (not write) its program."""
    if uid is None:
        return
    for top in writable:
        paths = [top] if top.is_file() else [top, *_walk(top)]
        for path in paths:
            os.chown(path, uid, uid, follow_symlinks=False)
    for top in readable:
        for path in [top, *_walk(top)]:
            if not path.is_symlink():
                path.chmod(0o755 if path.is_dir() else 0o644)


def _walk(top: Path) -> list[Path]:
    """Everything below `top`, never following a symbolic link."""
    found = []
    for folder, dirs, files in os.walk(top, followlinks=False):
        found.extend(Path(folder, name) for name in dirs + files)
    return found
