"""Wrong: work1 detaches itself from the program's session (os.setsid()) before it works.

Mistake: os.setsid() in work1, a daemon's first step, which this exercise does not ask for.
Caught by: the supervisor sees work1's process in a session other than main's. Before (base
commit 97efe3a): full marks.
Fails: stays_in_tree
"""
import os
import time
from multiprocessing import Process

nums = [11, 22]


def work1() -> None:
    os.setsid()  # a session of its own
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
