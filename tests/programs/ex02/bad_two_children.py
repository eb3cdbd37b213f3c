"""Wrong: main starts two children that both run run_proc.

Mistake: two child processes instead of exactly one.
Caught by: main has two children, and the child's two lines are printed twice, by two different pids.
Fails: one_child
"""
import os
from multiprocessing import Process


def run_proc():
    print("子进程运行中，pid=%d..." % os.getpid())
    print("子进程将要结束...")


if __name__ == "__main__":
    print("父进程pid: %d" % os.getpid())
    children = [Process(target=run_proc) for _ in range(2)]
    for child in children:
        child.start()
    for child in children:
        child.join()
