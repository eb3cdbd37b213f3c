"""Correct: p1 is joined before p2 starts, and at the end main joins every process again from a list."""
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


def main():
    processes = []
    p1 = Process(target=work1)
    processes.append(p1)
    p1.start()
    p1.join()

    p2 = Process(target=work2)
    processes.append(p2)
    p2.start()

    for p in processes:
        p.join()
    print("in main pid=%d ,nums=%s" % (os.getpid(), nums))


if __name__ == "__main__":
    main()
