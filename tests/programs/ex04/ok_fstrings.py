"""Correct: every line is printed with an f-string (same text as the % version)."""
import os
import time
from multiprocessing import Process

nums = [11, 22]


def work1():
    print(f"in process1 pid={os.getpid()} ,nums={nums}")
    for i in range(3):
        nums.append(i)
        time.sleep(1)
        print(f"in process1 pid={os.getpid()} ,nums={nums}")


def work2():
    print(f"in process2 pid={os.getpid()} ,nums={nums}")


if __name__ == "__main__":
    p1 = Process(target=work1)
    p1.start()
    p1.join()
    p2 = Process(target=work2)
    p2.start()
    p2.join()
    print(f"in main pid={os.getpid()} ,nums={nums}")
