"""Wrong: the child prints os.getppid(), its parent's pid, as if it were its own.

Mistake: os.getppid() instead of os.getpid() in the child.
Caught by: the pid in the child's line is not the printing process's pid: it is main's pid under fork and spawn, and the forkserver's pid under forkserver.
Fails: child_prints_its_pid
"""
import os
from multiprocessing import Process


def run_proc():
    print("子进程运行中，pid=%d..." % os.getppid())
    print("子进程将要结束...")


if __name__ == "__main__":
    print("父进程pid: %d" % os.getpid())
    p = Process(target=run_proc)
    p.start()
    p.join()
