"""Does exercise 2 right, then wrecks the grader's files of its own run: the control folder.

Its run's `control` folder (named by $PROCGRADE_SOCKET, $PROCGRADE_CHANNEL or
$PROCGRADE_STACKS_DIR) holds what the grader reads back: the channel of records and the socket
they come in by, the stack dumps, the spec of the run, the result the watchdog writes. It deletes
the channel, the socket and the stacks, writes a fake result.json and scribbles over spec.json.
Its grade is that of a correct program: the grader's records of a run must not be the program's
to delete.

Exercise: ex02
Expect: done
Fails:
Bounds: touches only the control folder of its own run (a folder named `control`, found as above).
"""
import json
import os
import shutil
from multiprocessing import Process


def run_proc():
    print("子进程运行中，pid=%d..." % os.getpid())
    print("子进程将要结束...")


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


def wreck_control() -> None:
    control = control_folder()
    if not control:
        return
    channel = os.path.join(control, "channel.jsonl")
    fake = {"main_pid": os.getpid(), "returncode": 0, "reason": "exited", "started": 0, "ended": 0.1,
            "finished": 0.1, "leftovers": [], "killed": 0, "remaining": [], "subreaper": True}
    for action in (lambda: os.remove(channel),
                   lambda: os.remove(os.path.join(control, "rec.sock")),
                   lambda: shutil.rmtree(os.path.join(control, "stacks")),
                   lambda: open(os.path.join(control, "result.json"), "w").write(json.dumps(fake)),
                   lambda: open(os.path.join(control, "spec.json"), "w").write("{}")):
        try:
            action()
        except OSError:
            pass


if __name__ == "__main__":
    print("父进程pid: %d" % os.getpid())
    p = Process(target=run_proc)
    p.start()
    p.join()
    wreck_control()
