"""Wrong: work1 saves its list to a file and work2 loads it, so work2 does not show its own copy.

Mistake: the list is handed from work1 to work2 through a file (the lesson is that each process
has its own globals).
Caught by: work2 prints [11, 22, 0, 1, 2] instead of [11, 22].
Fails: work2_sees_original
"""
import json
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
    with open("nums.json", "w") as handle:
        json.dump(nums, handle)


def work2():
    global nums
    with open("nums.json") as handle:
        nums = json.load(handle)
    print("in process2 pid=%d ,nums=%s" % (os.getpid(), nums))


if __name__ == "__main__":
    p1 = Process(target=work1)
    p1.start()
    p1.join()
    p2 = Process(target=work2)
    p2.start()
    p2.join()
    print("in main pid=%d ,nums=%s" % (os.getpid(), nums))
