"""Wrong: calls p.run() instead of p.start(), so run_proc runs inside main and never returns.

Mistake: p.run() instead of p.start().
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
    p = Process(target=run_proc)
    p.run()
    while True:
        print("----1----")
        time.sleep(1)
