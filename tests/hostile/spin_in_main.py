"""Does exercise 2 right, then spins forever in main: `while True: pass` after the join.

Exercise: ex02
Expect: failing
Fails: ends_cleanly
Message: ends_cleanly: was still running after 10.0 s
Bounds: the spin ends by itself after 60 s.
"""
import os
import time
from multiprocessing import Process

LIFETIME = 60.0


def run_proc():
    print("子进程运行中，pid=%d..." % os.getpid())
    print("子进程将要结束...")


if __name__ == "__main__":
    print("父进程pid: %d" % os.getpid())
    p = Process(target=run_proc)
    p.start()
    p.join()
    end = time.monotonic() + LIFETIME
    while time.monotonic() < end:
        pass
