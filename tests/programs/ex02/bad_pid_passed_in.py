"""Wrong: the pid is read once in main and handed to the child, which prints it as its own.

Mistake: the child prints a pid computed in main (passed as an argument) instead of calling os.getpid() itself.
Caught by: the pid in the child's line is main's pid, not the pid of the process that printed it (under every start method).
Fails: child_prints_its_pid
"""
import os
from multiprocessing import Process


def run_proc(pid):
    print("子进程运行中，pid=%d..." % pid)
    print("子进程将要结束...")


if __name__ == "__main__":
    pid = os.getpid()
    print("父进程pid: %d" % pid)
    p = Process(target=run_proc, args=(pid,))
    p.start()
    p.join()
