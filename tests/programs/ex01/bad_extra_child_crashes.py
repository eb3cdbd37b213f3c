"""Wrong: the two loops are right, but a third process, meant to log, crashes on a typo.

Mistake: a child process dies with an uncaught NameError.
Caught by: a traceback from a child on stderr.
Fails: no_process_crashed
"""
import time
from multiprocessing import Process


def run_proc():
    while True:
        print("----2----")
        time.sleep(1)


def log_start():
    print("started", stated_at)  # typo: no such name


if __name__ == "__main__":
    Process(target=log_start).start()
    Process(target=run_proc).start()
    while True:
        print("----1----")
        time.sleep(1)
