"""The child prints its pid line, then closes its stdout and stderr (fds 1 and 2) and prints again.

The second print fails (EBADF) and so does the traceback that would explain it: the child ends
with exit code 1 and its ending line never appears. Nothing the program does to its own output
may hang or break the grader.

Exercise: ex02
Expect: failing
Fails: child_finishes_first
Message: child_finishes_first: exited with code 1
Bounds: none needed.
"""
import os
from multiprocessing import Process


def run_proc():
    print("子进程运行中，pid=%d..." % os.getpid())
    os.close(1)
    os.close(2)
    print("子进程将要结束...")


if __name__ == "__main__":
    print("父进程pid: %d" % os.getpid())
    p = Process(target=run_proc)
    p.start()
    p.join()
