"""Does exercise 2 right, then main fills its memory: 100 MiB more every step, up to 3000 MiB.

Every page is written (bytes of 0x01, not lazily mapped zeros), so the memory is really used,
then held while main waits.

On a busy machine (load 10+, commit 97efe3a) it had not reached its limit when its budget ran
out, and the message said nothing of memory: a run stopped by its budget now says how much memory
it held.

Exercise: ex02
Expect: failing
Fails: ends_cleanly ...
Message: memory
Bounds: stops growing at 3000 MiB; ends by itself after 60 s.
"""
import os
import select
import time
from multiprocessing import Process

STEP = 100 * 1024 * 1024
LIMIT = 3000 * 1024 * 1024
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
    hoard = []
    while len(hoard) * STEP < LIMIT and time.monotonic() < end:
        hoard.append(b"\x01" * STEP)
    while time.monotonic() < end:
        select.select([], [], [], 1.0)
