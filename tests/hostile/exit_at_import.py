"""Calls sys.exit(0) on its first line: the rest, a correct exercise 2, never runs.

Under spawn a child would import the file again and stop there too; here no child is ever
started. It prints nothing, starts nothing and exits 0: exactly what a pristine stub does.

Exercise: ex02
Expect: not started
Fails: no_process_crashed main_prints_its_pid one_child ends_cleanly stays_in_tree
Message: ends_cleanly: printed nothing, started no process and exited at once
Bounds: none needed.
"""
import sys

sys.exit(0)

import os  # noqa: E402
from multiprocessing import Process  # noqa: E402


def run_proc():
    print("子进程运行中，pid=%d..." % os.getpid())
    print("子进程将要结束...")


if __name__ == "__main__":
    print("父进程pid: %d" % os.getpid())
    p = Process(target=run_proc)
    p.start()
    p.join()
