"""Wrong: the child prints ----2---- five times and ends, and main joins it before starting its own loop.

Mistake: main join()s the child before its loop, so the two loops run one after the other, not at the same time.
Caught by: no ----1---- appears until the child has printed its 5 lines and exited (about 5 s); the streams never interleave.
Fails: loops_interleave
"""
import time
from multiprocessing import Process


def run_proc():
    for _ in range(5):
        print("----2----")
        time.sleep(1)


if __name__ == "__main__":
    p = Process(target=run_proc)
    p.start()
    p.join()
    while True:
        print("----1----")
        time.sleep(1)
