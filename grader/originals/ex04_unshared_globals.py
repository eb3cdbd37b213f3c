"""Exercise 4: processes do not share global variables.

THE IDEA
    Each process has its own memory. A child process starts with its OWN COPY
    of the program's globals (under "fork", Linux's classic start method, a
    copy of the parent's memory; under "spawn", the macOS and Windows default,
    it imports this file again, so it gets the values the file's top level
    sets). Whatever a process changes afterwards stays in that process: other
    processes, and the parent, never see it.

    Threads are different: all threads of a process share its memory, so a
    list appended to in one thread grows for every thread. To share data
    between processes you need a tool made for it (a Queue, a Manager: later
    exercises); this exercise shows what happens without one.

YOUR TASK
    1. work1: print nums once at its start; then 3 rounds of: append i
       (i = 0, 1, 2), sleep 1 s, print nums again.
    2. work2: print nums once.
    3. main: run work1 in a process p1 and wait for it to end (join); then
       run work2 in a process p2 and wait for it; then print main's own nums.

WHAT IT PRINTS (pids will differ)
        in process1 pid=4712 ,nums=[11, 22]
        in process1 pid=4712 ,nums=[11, 22, 0]
        in process1 pid=4712 ,nums=[11, 22, 0, 1]
        in process1 pid=4712 ,nums=[11, 22, 0, 1, 2]
        in process2 pid=4713 ,nums=[11, 22]
        in main pid=4711 ,nums=[11, 22]
    In Python:
        print("in process1 pid=%d ,nums=%s" % (os.getpid(), nums))
    and the same with "in process2" and "in main". The main line is the last.

RUN IT
    python exercises/ex04_unshared_globals.py

CHECK IT
    nox -s check -- ex04

TRAPS
    * threading.Thread instead of Process: threads share globals, so work2
      and main would see [11, 22, 0, 1, 2]. That is the opposite lesson.
    * Join p1 before starting p2. Otherwise work2 runs while work1 is still
      appending, and the run proves nothing about "after".
    * Call work2 through a Process, not as work2() in main: its line must come
      from its own process (look at the pid).
    * Print main's line after both joins, so it really is the last word.
    * Keep `if __name__ == "__main__":` (the spawn start method of macOS and
      Windows imports this file again in the child).
"""
import os
import time
from multiprocessing import Process

nums = [11, 22]


def work1() -> None:
    """Grow nums by 0, 1, 2, one a second, printing it each time."""
    # TODO 1: print "in process1 pid=%d ,nums=%s" with os.getpid() and nums.
    # TODO 2: for i in 0, 1, 2: nums.append(i); time.sleep(1); print the same line again.
    pass


def work2() -> None:
    """Show nums as this other process sees it."""
    # TODO 3: print "in process2 pid=%d ,nums=%s" with os.getpid() and nums.
    pass


def main() -> None:
    # TODO 4: run work1 in a Process p1: start it, then join it.
    # TODO 5: run work2 in a Process p2: start it, then join it.
    # TODO 6: print "in main pid=%d ,nums=%s" with os.getpid() and nums.
    pass


if __name__ == "__main__":
    main()
