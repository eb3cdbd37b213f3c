"""Exercise 2 (solution): every process has its own pid.

Main prints its pid, then starts one child that prints its own pid and says
it is ending. Main waits for the child before it ends.
"""
import os
from multiprocessing import Process


def run_proc() -> None:
    """The child's work: report its own pid, then end."""
    # os.getpid() answers for the process that calls it, so here it is the child's pid.
    print("子进程运行中，pid=%d..." % os.getpid())
    print("子进程将要结束...")


def main() -> None:
    print("父进程pid: %d" % os.getpid())

    child = Process(target=run_proc)
    child.start()
    # Wait here until the child has finished, so main never ends before it.
    child.join()


if __name__ == "__main__":
    main()
