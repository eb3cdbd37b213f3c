"""Wrong: passes target=run_proc() instead of target=run_proc, so the loop runs in main while building the arguments.

Mistake: Process(target=run_proc()) calls run_proc in the parent.
Caught by: no child process is created; only ----2---- appears, printed by main's pid, and ----1---- never does.
Fails: two_loops_print
"""
import time
from multiprocessing import Process


def run_proc():
    while True:
        print("----2----")
        time.sleep(1)


if __name__ == "__main__":
    p = Process(target=run_proc())
    p.start()
    while True:
        print("----1----")
        time.sleep(1)
