"""Exercise 1: two loops at the same time, in two processes.

THE IDEA
    A process is a running program: its code plus everything it uses (memory,
    open files). The operating system runs several processes side by side, so
    a program that starts a second process can do two jobs at once.

    multiprocessing.Process describes a process you want to have:
        p = Process(target=run_proc)   # nothing runs yet
        p.start()                      # now a new process exists and calls run_proc()
    start() returns straight away; from then on the parent and the child run
    at the same time. (p.run() is something else: it calls run_proc right here,
    in the current process, like any function call.)

YOUR TASK
    1. In run_proc (the child's work), loop forever: print ----2----, sleep 1 s.
    2. In main, create a Process whose target is run_proc, and start it.
    3. Then, still in main, loop forever: print ----1----, sleep 1 s.

WHAT IT PRINTS (once a second each, in any order; the two streams take turns)
        ----1----        <- printed by the main process
        ----2----        <- printed by the child process
    These lines are the same in every language.

RUN IT
    python exercises/ex01_two_loops.py
    It never ends on its own: press Ctrl+C. Both processes receive the Ctrl+C,
    so you will usually see two KeyboardInterrupt tracebacks; that is normal.

CHECK IT
    nox -s check -- ex01

TRAPS
    * Process(target=run_proc()) with parentheses calls run_proc in the
      parent, right there, and never gets to create the process. Pass the
      function itself: target=run_proc.
    * p.run() instead of p.start() also runs the loop in the parent: there is
      only one process, stuck in the first loop.
    * Threads (threading.Thread) also run two loops at once, but inside ONE
      process. This exercise is about processes.
    * Keep `if __name__ == "__main__":`. Under the "spawn" start method (the
      default on macOS and Windows) the child imports this file again; without
      the guard that import would try to start processes too, and the child
      dies with "An attempt has been made to start a new process before the
      current process has finished its bootstrapping phase".
    * Keep time.sleep(1) in both loops. Without it a loop prints thousands of
      lines a second and keeps a CPU core busy.
    * Do not wait for the child (p.join()) before main's loop: the child never
      ends, so main's loop would never start.
"""
import time
from multiprocessing import Process


def run_proc() -> None:
    """The child's work: print ----2---- once a second, forever."""
    # TODO 1: loop forever: print "----2----", then time.sleep(1).
    pass


def main() -> None:
    # TODO 2: create a Process whose target is run_proc (the function, not a call to it).
    # TODO 3: start it, so that it runs at the same time as the rest of main.
    # TODO 4: loop forever: print "----1----", then time.sleep(1).
    pass


if __name__ == "__main__":
    main()
