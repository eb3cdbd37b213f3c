"""Wrong: nums is a Manager().list() handed to both processes, so all of them share one list.

Mistake: a shared Manager().list() instead of the plain global list each process copies.
Caught by: work2 prints [11, 22, 0, 1, 2] and so does main (a Manager server process also appears as a helper).
Fails: work2_sees_original main_keeps_its_nums
"""
import os
import time
from multiprocessing import Manager, Process


def work1(nums):
    print("in process1 pid=%d ,nums=%s" % (os.getpid(), nums))
    for i in range(3):
        nums.append(i)
        time.sleep(1)
        print("in process1 pid=%d ,nums=%s" % (os.getpid(), nums))


def work2(nums):
    print("in process2 pid=%d ,nums=%s" % (os.getpid(), nums))


if __name__ == "__main__":
    with Manager() as manager:
        nums = manager.list([11, 22])
        p1 = Process(target=work1, args=(nums,))
        p1.start()
        p1.join()
        p2 = Process(target=work2, args=(nums,))
        p2.start()
        p2.join()
        print("in main pid=%d ,nums=%s" % (os.getpid(), nums))
