"""Does exercise 2 right, then main sends SIGKILL to its own parent, the grader's watchdog, and stays.

`os.kill(os.getppid(), signal.SIGKILL)`: the process that owns the run's budget and kills its tree
is gone, and main stays on for 20 s, hoping to outlive the grading.

Exercise: ex02
Expect: failing
Fails: ends_cleanly
Message: ends_cleanly: stopped moving and was stopped: for 2 s its processes had printed nothing and used next to no CPU
Alone: if its parent dies, the grader command is the next one it could take down
Bounds: signals its parent only when the parent's command line names this run's folder (the
    grader's supervisor does; a shell does not), never pid 1; main ends by itself after 20 s.
"""
import os
import select
import signal
import time
from multiprocessing import Process

LIFETIME = 20.0


def run_proc():
    print("子进程运行中，pid=%d..." % os.getpid())
    print("子进程将要结束...")


def command_line(pid: int) -> str:
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as handle:
            return handle.read().replace(b"\0", b" ").decode("utf-8", "replace")
    except OSError:
        return ""


def control_folder() -> str:
    """The grader's own folder of this run (its records, its socket, its stack dumps), as the
    environment the grader gives the program names it: a folder called `control`."""
    for name in ("PROCGRADE_CHANNEL", "PROCGRADE_SOCKET", "PROCGRADE_STACKS_DIR"):
        value = os.environ.get(name, "").rstrip(os.sep)
        folder = os.path.dirname(value) if value else ""
        if os.path.basename(folder) == "control":
            return folder
    return ""


def run_folder() -> str:
    """The folder the grader made for this run: the parent of its control folder."""
    control = control_folder()
    return os.path.dirname(control) if control else ""


if __name__ == "__main__":
    print("父进程pid: %d" % os.getpid())
    p = Process(target=run_proc)
    p.start()
    p.join()
    parent, here = os.getppid(), run_folder()
    if parent not in (0, 1, os.getpid()) and here and here in command_line(parent):
        try:
            os.kill(parent, signal.SIGKILL)
        except OSError:
            pass
    end = time.monotonic() + LIFETIME
    while time.monotonic() < end:
        select.select([], [], [], 1.0)
