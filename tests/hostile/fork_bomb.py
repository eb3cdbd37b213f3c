"""Does exercise 2 right, but the child leaves a fork bomb behind: over a thousand processes.

After its two lines the child forks a process that forks 3 children, each of which forks 3
more, six levels deep, as fast as it can; then the child returns normally and main joins it and
ends. What is left is a tree of sleeping orphans that the grader must find and kill, all of them,
while some may still be forking.

Exercise: ex02
Expect: failing
Fails: ends_cleanly
Message: ends_cleanly: still running after main ended
Alone: while it forks, it starves every other run on the machine
Bounds: at most 1 + 3 + 9 + ... + 3**6 = 1093 processes, forking only during the first 5 s; each
    one ends by itself 30 s after the bomb started.
"""
import os
import select
import time
from multiprocessing import Process

BRANCHES = 3        # children each process forks
DEPTH = 6           # levels below the first bomb process
FORK_SECONDS = 5.0  # no fork after this
LIFETIME = 30.0     # every bomb process ends by itself then


def stay_alive(until: float) -> None:
    """Wait in real time (the grader scales time.sleep), until the monotonic time `until`."""
    while True:
        left = until - time.monotonic()
        if left <= 0:
            return
        select.select([], [], [], min(left, 1.0))


def bomb(start: float) -> None:
    depth, children = 0, 0
    while depth < DEPTH and children < BRANCHES and time.monotonic() - start < FORK_SECONDS:
        try:
            pid = os.fork()
        except OSError:
            break
        if pid == 0:
            depth, children = depth + 1, 0
        else:
            children += 1
    stay_alive(start + LIFETIME)
    os._exit(0)


def run_proc():
    print("子进程运行中，pid=%d..." % os.getpid())
    print("子进程将要结束...")
    start = time.monotonic()
    if os.fork() == 0:
        try:
            bomb(start)
        finally:
            os._exit(0)


if __name__ == "__main__":
    print("父进程pid: %d" % os.getpid())
    p = Process(target=run_proc)
    p.start()
    p.join()
