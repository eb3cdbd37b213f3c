"""Does exercise 2 right, then main fills the disk under its working folder: up to 2 GiB.

It writes 64 MiB files, one after another, into `filler/` in its working folder (and nowhere
else), then waits.

On a busy machine (load 10+, commit 97efe3a) it had not reached the write cap when its budget
ran out, and the message said nothing of what it wrote: a run stopped by its budget now says how
much its processes wrote.

Exercise: ex02
Expect: failing
Fails: ends_cleanly ...
Message: wrote more than|disk|no space left|file size
Bounds: stops at 2 GiB, only under its working folder; ends by itself after 60 s.
"""
import os
import select
import time
from multiprocessing import Process

FILE_SIZE = 64 * 1024 * 1024
LIMIT = 2 * 1024 * 1024 * 1024
BLOCK = b"\xa5" * (1024 * 1024)
LIFETIME = 60.0


def run_proc():
    print("子进程运行中，pid=%d..." % os.getpid())
    print("子进程将要结束...")


def fill(folder: str, end: float) -> None:
    os.makedirs(folder, exist_ok=True)
    written, number = 0, 0
    while written < LIMIT and time.monotonic() < end:
        fd = os.open(os.path.join(folder, "fill_%03d.bin" % number), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            for _ in range(FILE_SIZE // len(BLOCK)):
                written += os.write(fd, BLOCK)
        finally:
            os.close(fd)
        number += 1


if __name__ == "__main__":
    print("父进程pid: %d" % os.getpid())
    p = Process(target=run_proc)
    p.start()
    p.join()
    end = time.monotonic() + LIFETIME
    fill(os.path.join(os.getcwd(), "filler"), end)
    while time.monotonic() < end:
        select.select([], [], [], 1.0)
