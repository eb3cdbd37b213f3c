"""Wrong: work2 removes the last number before it prints, so it shows [11] instead of [11, 22].

Mistake: work2 changes nums (`nums.pop()`); it should only print it.
Caught by: work2 prints [11].
At 97efe3a the verdict was right but the hint said work1's appends had reached work2, for a list
that had shrunk.
Fails: work2_sees_original
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
    nums.pop()
    print("in process2 pid=%d ,nums=%s" % (os.getpid(), nums))


if __name__ == "__main__":
    p1 = Process(target=work1)
    p1.start()
    p1.join()
    p2 = Process(target=work2)
    p2.start()
    p2.join()
    print("in main pid=%d ,nums=%s" % (os.getpid(), nums))
