"""Wrong: main prints its nums as soon as work1 is done, before work2's process has even started.

Mistake: main's line is printed before p2 is started and joined, not after p2.join().
Caught by: the in main line comes before the in process2 line, so it is not the last line.
Fails: main_keeps_its_nums
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
    p1.join()
    print("in main pid=%d ,nums=%s" % (os.getpid(), nums))
    p2 = Process(target=work2)
    p2.start()
    p2.join()
