"""Wrong: the child leaves main's session with os.setsid(), "so that Ctrl+C does not stop it".

Mistake: os.setsid() in the child: Ctrl+C, and the end of the program's session, no longer reach
it; run for real, the ----2---- loop goes on after main is stopped.
Caught by: the supervisor sees the child in a session other than main's. Before (base commit
97efe3a) nothing looked at sessions: full marks.
Fails: stays_in_tree
"""
import os
import time
from multiprocessing import Process


def run_proc() -> None:
    """The child's work: print ----2---- once a second, forever."""
    os.setsid()  # 不让 Ctrl+C 打断子进程
    while True:
        # flush=True: when output goes to a pipe or a file instead of a
        # terminal, Python keeps it in a buffer, and a process that is killed
        # loses whatever is still in its buffer.
        print("----2----", flush=True)
        time.sleep(1)


def main() -> None:
    # Hand over the function itself, without (): the child is the one that calls it.
    child = Process(target=run_proc)
    # start() creates the new process and returns at once, so main can go on
    # with its own loop while the child runs run_proc.
    child.start()

    while True:
        print("----1----", flush=True)
        time.sleep(1)


# Under the "spawn" start method (macOS, Windows) the child imports this file
# again; the guard keeps that import from starting processes of its own.
if __name__ == "__main__":
    main()
