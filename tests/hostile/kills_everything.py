"""Does exercise 2 right, then SIGKILLs every process it can see that belongs to the grading.

It walks /proc and kills whatever names the grading's folders on its command line: its own
watchdog, the other runs' watchdogs and programs, the grader command itself (whose `--target`
arguments name them), and the decoy process the test started. Then it ends normally, so the
grade it really earns is that of a correct program.

Exercise: ex02
Expect: done
Fails:
Alone: it would take down the grading of every other case graded with it
Bounds: signals only processes whose command line holds HOSTILE["marker"] (the test session's
    own folder, checked to be a procgrade-tests-* folder: the decoy process names it too) or this
    run's folder; never pid 1, never itself.
"""
import os
import signal
import time
from multiprocessing import Process

HOSTILE = {}   # filled in by tests/test_hostile.py; left empty, the attack aims at this run only


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


def markers() -> list:
    found = [run_folder()] if run_folder() else []
    marker = HOSTILE.get("marker", "")
    if "procgrade-tests-" in marker:
        found.append(marker)
    return found


def kill_what_can_be_seen() -> None:
    wanted = markers()
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) in (0, 1, os.getpid()):
            continue
        if any(marker in command_line(int(entry)) for marker in wanted):
            try:
                os.kill(int(entry), signal.SIGKILL)
            except OSError:
                pass


if __name__ == "__main__":
    print("父进程pid: %d" % os.getpid())
    p = Process(target=run_proc)
    p.start()
    p.join()
    for _ in range(3):
        kill_what_can_be_seen()
        time.sleep(0.1)
