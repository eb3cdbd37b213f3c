"""Correct: the solution's behaviour with the English wording of all three lines."""
import os
from multiprocessing import Process


def run_proc():
    print("child running, pid=%d..." % os.getpid())
    print("child ending...")


if __name__ == "__main__":
    print("parent pid: %d" % os.getpid())
    p = Process(target=run_proc)
    p.start()
    p.join()
