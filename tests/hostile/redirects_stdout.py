"""Points its stdout and stderr (fds 1 and 2) at /dev/null first, then does exercise 2 right.

Every print still goes through sys.stdout, but the bytes land in /dev/null: nothing reaches the
program's real output, in main or in the child (which inherits the redirected fds). Judged on
what it really printed, it printed nothing.

Exercise: ex02
Expect: failing
Fails: main_prints_its_pid child_prints_its_pid child_finishes_first
Message: main_prints_its_pid: printed no number at all that reached the output
Message: child_prints_its_pid: went where its stdout no longer leads
Bounds: none needed.
"""
import os
from multiprocessing import Process


def run_proc():
    print("子进程运行中，pid=%d..." % os.getpid())
    print("子进程将要结束...")


if __name__ == "__main__":
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    os.dup2(null, 2)
    print("父进程pid: %d" % os.getpid())
    p = Process(target=run_proc)
    p.start()
    p.join()
