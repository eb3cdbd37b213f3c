"""Wrong: p2 is started without waiting for p1, so work2 runs while work1 is still appending.

Mistake: p1.join() comes after p2.start() instead of before it.
Caught by: the in process2 line appears within milliseconds of the start, before work1's last line (sometimes even before
its first), while work1's process is still alive; work2's process started before work1's ended.
Fails: work2_after_work1
"""
import os
import time
from multiprocessing import Process

nums = [11, 22]


def work1():
    print("in process1 pid=%d ,nums=%s" % (os.getpid(), nums))
    for i in range(3):
        nums.append(i)
        time.sleep(1)
        print("in process1 pid=%d ,nums=%s" % (os.getpid(), nums))


def work2():
    print("in process2 pid=%d ,nums=%s" % (os.getpid(), nums))


if __name__ == "__main__":
    p1 = Process(target=work1)
    p1.start()
    p2 = Process(target=work2)
    p2.start()
    p1.join()
    p2.join()
    print("in main pid=%d ,nums=%s" % (os.getpid(), nums))
