"""Wrong: main starts a launcher child, and the launcher starts the process that prints the child's lines.

Mistake: the reporting process is main's grandchild (started by an intermediate child), not main's child.
Caught by: the process that prints 子进程运行中 has the launcher as its parent, not main; main's only child prints nothing.
Fails: child_parent_is_main
"""
import os
from multiprocessing import Process


def run_proc():
    print("子进程运行中，pid=%d..." % os.getpid())
    print("子进程将要结束...")


def launcher():
    p = Process(target=run_proc)
    p.start()
    p.join()


if __name__ == "__main__":
    print("父进程pid: %d" % os.getpid())
    p = Process(target=launcher)
    p.start()
    p.join()
