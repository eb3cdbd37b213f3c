"""Does exercise 2 right, then floods stdout with lines as fast as it can: up to 500 MB.

Exercise: ex02
Expect: failing
Fails: ends_cleanly
Message: ends_cleanly: printed more than the grader reads
Bounds: stops by itself after 500 MB (or 60 s).
"""
import os
import sys
import time
from multiprocessing import Process

LIMIT = 500 * 1000 * 1000
LIFETIME = 60.0
CHUNK = "flood! " * 9 + "\n"     # 64-byte lines
BLOCK = CHUNK * 1024             # 64 KiB a write


def run_proc():
    print("子进程运行中，pid=%d..." % os.getpid())
    print("子进程将要结束...")


if __name__ == "__main__":
    print("父进程pid: %d" % os.getpid())
    p = Process(target=run_proc)
    p.start()
    p.join()
    written, end = 0, time.monotonic() + LIFETIME
    while written < LIMIT and time.monotonic() < end:
        sys.stdout.write(BLOCK)
        written += len(BLOCK)
