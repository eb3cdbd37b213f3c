"""Wrong: main appends 33 to its own nums before printing it ("to show it can"), f-strings.

Mistake: main changes its own list; the exercise has it print nums unchanged.
Caught by: main prints [11, 22, 33].
At 97efe3a the verdict was right but the hint said the children had changed their own copies,
when main had changed its own.
Fails: main_keeps_its_nums
"""
import os
import time
from multiprocessing import Process

nums = [11, 22]


def work1():
    print(f"work1 {os.getpid()}: {nums}")
    for i in range(3):
        nums.append(i)
        time.sleep(1)
        print(f"work1 {os.getpid()}: {nums}")


def work2():
    print(f"work2 {os.getpid()}: {nums}")


if __name__ == "__main__":
    p1 = Process(target=work1)
    p1.start()
    p1.join()
    p2 = Process(target=work2)
    p2.start()
    p2.join()
    nums.append(33)
    print(f"main {os.getpid()}: {nums}")
