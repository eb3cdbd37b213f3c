"""Wrong: work1 appends 0, 1, 2 but prints nums only once, at the end.

Mistake: the growing list is not shown step by step.
Caught by: work1's lines are not [11, 22], [11, 22, 0], [11, 22, 0, 1], [11, 22, 0, 1, 2].
Fails: work1_sees_growth
"""
import os
import time
from multiprocessing import Process

nums = [11, 22]


def work1():
    for i in range(3):
        nums.append(i)
        time.sleep(1)
    print("in process1 pid=%d ,nums=%s" % (os.getpid(), nums))


def work2():
    print("in process2 pid=%d ,nums=%s" % (os.getpid(), nums))


if __name__ == "__main__":
    p1 = Process(target=work1)
    p1.start()
    p1.join()
    p2 = Process(target=work2)
    p2.start()
    p2.join()
    print("in main pid=%d ,nums=%s" % (os.getpid(), nums))
