"""Wrong: runs the child's loop in a thread, so both loops live in one process.

Mistake: threading.Thread instead of multiprocessing.Process.
Caught by: ----1---- and ----2---- are printed by the same pid (main's), and main has no child process.
Fails: loops_in_two_processes
"""
import threading
import time


def run_proc():
    while True:
        print("----2----")
        time.sleep(1)


if __name__ == "__main__":
    t = threading.Thread(target=run_proc)
    t.start()
    while True:
        print("----1----")
        time.sleep(1)
