"""Wrong: the child is a daemon and main ends right after starting it, so the child is killed before its last line.

Mistake: daemon=True on the child (main does not wait for a daemon; it is terminated when main exits).
Caught by: 子进程将要结束... never appears, and the child ends by SIGTERM (exit code -15) when main exits;
usually (under every start method) not even the child's first line appears.
Fails: child_finishes_first
"""
import os
import time
from multiprocessing import Process


def run_proc():
    print("子进程运行中，pid=%d..." % os.getpid())
    time.sleep(3)  # still working when main ends
    print("子进程将要结束...")


if __name__ == "__main__":
    print("父进程pid: %d" % os.getpid())
    p = Process(target=run_proc, daemon=True)
    p.start()
    time.sleep(1)  # the child prints its first line; then main ends and takes the daemon with it
