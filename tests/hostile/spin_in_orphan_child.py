"""The child prints its two lines and then spins forever; main leaves at once with os._exit(0).

os._exit skips multiprocessing's join of non-daemon children at exit, so main really ends and
the spinning child is orphaned: it outlives main, still burning a core.

Exercise: ex02
Expect: failing
Fails: child_finishes_first ends_cleanly
Message: ends_cleanly: still running after main ended
Message: child_finishes_first: never finished
Bounds: the child's spin ends by itself after 60 s.
"""
import os
import time
from multiprocessing import Pipe, Process

LIFETIME = 60.0


def run_proc(printed):
    print("子进程运行中，pid=%d..." % os.getpid())
    print("子进程将要结束...")
    printed.send("printed")
    end = time.monotonic() + LIFETIME
    while time.monotonic() < end:
        pass


if __name__ == "__main__":
    print("父进程pid: %d" % os.getpid())
    told, printed = Pipe(duplex=False)   # a pipe, not an Event: no semaphore left in /dev/shm
    p = Process(target=run_proc, args=(printed,))
    p.start()
    told.poll(5)   # not scaled by the grader: a real 5 s at most
    os._exit(0)
