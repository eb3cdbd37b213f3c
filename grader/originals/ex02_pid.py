"""Exercise 2: every process has its own pid.

THE IDEA
    The operating system gives each process a number, its pid (process id).
    os.getpid() returns the pid of the process that calls it, so the same line
    of code gives a different answer in the parent and in the child. (Inside
    the parent, p.pid is the child's pid, and os.getppid() is a process's
    parent's pid: neither is "my own pid".)

    The process that calls start() is the child's parent. p.join() makes the
    parent wait until the child has finished.

YOUR TASK
    1. In main, print the main process's pid.
    2. Start ONE child process that runs run_proc.
    3. In run_proc, print the child's own pid, then say that it is ending.
    4. In main, wait for the child (join) so that it can finish its work.

WHAT IT PRINTS (the numbers are whatever the system gives out)
        父进程pid: 4711                   English: parent pid: 4711
        子进程运行中，pid=4712...         English: child running, pid=4712...
        子进程将要结束...                 English: child ending...
    The Chinese lines are the tutorial's; the English ones are accepted too.
    In Python:
        print("父进程pid: %d" % os.getpid())       # or "parent pid: %d"
        print("子进程运行中，pid=%d..." % ...)     # or "child running, pid=%d..."
        print("子进程将要结束...")                 # or "child ending..."

RUN IT
    python exercises/ex02_pid.py

CHECK IT
    nox -s check -- ex02

TRAPS
    * A printed pid must come from os.getpid() called in the process that
      prints it. Computing it in main and passing it to the child, or using
      os.getppid() in the child, prints someone else's pid.
    * Exactly one child. Do not start a process from inside the child either:
      the child's lines must come from a direct child of main.
    * Do not make the child a daemon (daemon=True): a daemon child is killed
      as soon as main ends, possibly before it printed its last line.
    * Keep `if __name__ == "__main__":` (the spawn start method of macOS and
      Windows imports this file again in the child).
"""
import os
from multiprocessing import Process


def run_proc() -> None:
    """The child's work: report its own pid, then end."""
    # TODO 1: print the child's own pid:  子进程运行中，pid=%d...  (or: child running, pid=%d...)
    # TODO 2: print  子进程将要结束...  (or: child ending...)
    pass


def main() -> None:
    # TODO 3: print the main process's pid:  父进程pid: %d  (or: parent pid: %d)
    # TODO 4: create a Process that runs run_proc and start it.
    # TODO 5: wait for the child to finish.
    pass


if __name__ == "__main__":
    main()
