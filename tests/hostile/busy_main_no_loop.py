"""Main spins in a busy loop that prints nothing, while its child prints `----2----` once a second.

The tutorial's first shape with main's print and sleep taken out: `while True: pass`. Only one
loop is ever seen, and main burns a whole core until the grader stops it.

Exercise: ex01
Expect: failing
Fails: two_loops_print
Message: two_loops_print: only `----2----` repeats
Bounds: main's spin and the child's loop end by themselves after 60 s.
"""
import time
from multiprocessing import Process

LIFETIME = 60.0


def run_proc():
    end = time.monotonic() + LIFETIME
    while time.monotonic() < end:
        print("----2----", flush=True)
        time.sleep(1)


if __name__ == "__main__":
    p = Process(target=run_proc)
    p.start()
    end = time.monotonic() + LIFETIME
    while time.monotonic() < end:
        pass
