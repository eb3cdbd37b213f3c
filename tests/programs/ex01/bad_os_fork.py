"""Wrong: the child loop is made with os.fork() instead of multiprocessing.Process.

Mistake: os.fork() (Unix only, not this lesson's tool) where a Process was asked for.
Caught by: the ----2---- loop runs in a raw forked child, not in a multiprocessing.Process of main.
Fails: started_by_main
"""
import os
import time


def run_proc():
    while True:
        print("----2----")
        time.sleep(1)


if __name__ == "__main__":
    if os.fork() == 0:
        run_proc()
    while True:
        print("----1----")
        time.sleep(1)
