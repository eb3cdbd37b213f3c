"""Exercise 1 (solution): two endless loops running at the same time, in two processes.

The main process starts one child process. From then on both print their own
marker once a second: main prints ----1---- and the child prints ----2----.
Stop it with Ctrl+C.
"""
import time
from multiprocessing import Process


def run_proc() -> None:
    """The child's work: print ----2---- once a second, forever."""
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
