"""Does exercise 2 right, but the child leaves a daemon behind: double fork and setsid.

The classic way to detach: fork, setsid() in the new process (a new session, no terminal, out of
the program's process group), fork again and let the middle process exit, so the daemon is an
orphan in a session of its own. Killing the program's process group, or walking main's children,
misses it.

Exercise: ex02
Expect: failing
Fails: ends_cleanly stays_in_tree
Message: ends_cleanly: still running after main ended
Bounds: the daemon ends by itself after 60 s.
"""
import os
import select
import time
from multiprocessing import Process

LIFETIME = 60.0


def stay_alive(seconds: float) -> None:
    """Wait in real time (the grader scales time.sleep)."""
    end = time.monotonic() + seconds
    while True:
        left = end - time.monotonic()
        if left <= 0:
            return
        select.select([], [], [], min(left, 1.0))


def run_proc():
    print("子进程运行中，pid=%d..." % os.getpid())
    first = os.fork()
    if first == 0:
        try:
            os.setsid()
            if os.fork() == 0:
                stay_alive(LIFETIME)
        finally:
            os._exit(0)
    os.waitpid(first, 0)
    print("子进程将要结束...")


if __name__ == "__main__":
    print("父进程pid: %d" % os.getpid())
    p = Process(target=run_proc)
    p.start()
    p.join()
