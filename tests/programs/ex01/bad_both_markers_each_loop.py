"""Wrong: each loop prints both markers in turn, so neither marker belongs to one process.

Mistake: each loop alternates ----1---- and ----2---- instead of printing only its own marker.
Caught by: ----1---- lines come from two different pids (main and the child), and so do ----2---- lines.
Fails: each_loop_in_one_process
"""
import time
from multiprocessing import Process


def run_proc():
    while True:
        print("----2----")
        time.sleep(1)
        print("----1----")
        time.sleep(1)


if __name__ == "__main__":
    p = Process(target=run_proc)
    p.start()
    while True:
        print("----1----")
        time.sleep(1)
        print("----2----")
        time.sleep(1)
