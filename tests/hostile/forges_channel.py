"""Starts no child at all, and forges the grader's records of a child that never existed.

The grader's `control` folder of the run (named by $PROCGRADE_SOCKET, $PROCGRADE_CHANNEL or
$PROCGRADE_STACKS_DIR) holds the channel file the records end up in and, with a socket-based
instrumentation, the socket they come in by. Main prints its pid, then appends to the channel
file, and sends over a connection of its own to the socket, the records of Process-1: started by
main, printing its own pid and its ending line, ending with code 0. Graded for what it did, it
started no child.

Exercise: ex02
Expect: failing
Fails: one_child
Message: one_child: main started no process
Bounds: writes only to the channel file and the socket of its own run's control folder.
"""
import json
import os
import socket
import time


def control_folder() -> str:
    """The grader's own folder of this run (its records, its socket, its stack dumps), as the
    environment the grader gives the program names it: a folder called `control`."""
    for name in ("PROCGRADE_CHANNEL", "PROCGRADE_SOCKET", "PROCGRADE_STACKS_DIR"):
        value = os.environ.get(name, "").rstrip(os.sep)
        folder = os.path.dirname(value) if value else ""
        if os.path.basename(folder) == "control":
            return folder
    return ""


def forged(main: int) -> bytes:
    fake = main + 1
    now = time.monotonic() - 0.05   # the forged child ran a moment ago, before main ends
    records = (
        {"ev": "spawned", "child": fake, "name": "Process-1", "target": "__main__:run_proc", "pid": main},
        {"ev": "exec", "ppid": main, "argv": ["python", "-c", "spawn_main", "--multiprocessing-fork"], "pid": fake},
        {"ev": "mp_start", "parent": main, "name": "Process-1", "target": "__main__:run_proc", "daemon": False,
         "pid": fake},
        {"ev": "line", "s": "o", "th": "MainThread", "x": "子进程运行中，pid=%d..." % fake, "end": "\n", "pid": fake},
        {"ev": "line", "s": "o", "th": "MainThread", "x": "子进程将要结束...", "end": "\n", "pid": fake},
        {"ev": "mp_end", "exitcode": 0, "rss_kb": 9000, "idle_polls": 0, "pid": fake},
        {"ev": "exit", "rss_kb": 9000, "idle_polls": 0, "pid": fake},
        {"ev": "reaped", "child": fake, "exitcode": 0, "pid": main})
    lines = []
    for i, record in enumerate(records):
        record["t"] = now + 0.001 * i
        lines.append(json.dumps(record, ensure_ascii=False))
    return ("\n".join(lines) + "\n").encode("utf-8")


def forge(control: str) -> None:
    data = forged(os.getpid())
    try:
        fd = os.open(os.path.join(control, "channel.jsonl"), os.O_WRONLY | os.O_APPEND)
        try:
            os.write(fd, data)
        finally:
            os.close(fd)
    except OSError:
        pass
    path = os.path.join(control, "rec.sock")
    if os.path.exists(path):
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
                connection.connect(path)
                connection.sendall(data)
        except OSError:
            pass


if __name__ == "__main__":
    print("父进程pid: %d" % os.getpid())
    control = control_folder()
    if control:
        forge(control)
