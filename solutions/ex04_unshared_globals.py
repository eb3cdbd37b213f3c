"""Exercise 4 (solution): processes do not share global variables.

work1 appends 0, 1, 2 to the global list nums in its own process. work2 runs
in another process after work1 has ended and still sees [11, 22]; so does main
at the very end. Each process only ever changed its own copy.
"""
import os
import time
from multiprocessing import Process

nums = [11, 22]


def work1() -> None:
    """Grow nums by 0, 1, 2, one a second, printing it each time."""
    print("in process1 pid=%d ,nums=%s" % (os.getpid(), nums))
    for i in range(3):
        # This changes the list of work1's process only.
        nums.append(i)
        time.sleep(1)
        print("in process1 pid=%d ,nums=%s" % (os.getpid(), nums))


def work2() -> None:
    """Show nums as this other process sees it."""
    print("in process2 pid=%d ,nums=%s" % (os.getpid(), nums))


def main() -> None:
    p1 = Process(target=work1)
    p1.start()
    # Let work1 finish all its appends first, so work2 cannot miss them by starting too early.
    p1.join()

    p2 = Process(target=work2)
    p2.start()
    p2.join()

    # Both children are done: if globals were shared, main would see 0, 1, 2 here.
    print("in main pid=%d ,nums=%s" % (os.getpid(), nums))


if __name__ == "__main__":
    main()
