"""Wrong: main prints p.pid, the child's pid, on its own 父进程pid line.

Mistake: main prints p.pid (the child's pid) instead of os.getpid().
Caught by: the pid in main's line is the child's pid, the same number the child prints, not main's own pid.
Fails: main_prints_its_pid
"""
import os
from multiprocessing import Process


def run_proc():
    print("子进程运行中，pid=%d..." % os.getpid())
    print("子进程将要结束...")


if __name__ == "__main__":
    p = Process(target=run_proc)
    p.start()
    print("父进程pid: %d" % p.pid)
    p.join()
