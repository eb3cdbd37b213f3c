"""Wrong: the child's loop has no sleep, so it floods ----2---- as fast as it can.

Mistake: time.sleep(1) missing from the child's loop.
Caught by: the child prints thousands of ----2---- lines a second instead of about one, while main prints one ----1---- a second.
Fails: loops_paced
"""
import time
from multiprocessing import Process


def run_proc():
    while True:
        print("----2----")


if __name__ == "__main__":
    p = Process(target=run_proc)
    p.start()
    while True:
        print("----1----")
        time.sleep(1)
