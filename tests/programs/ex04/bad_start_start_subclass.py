"""Wrong: both processes are started one right after the other; main joins them only afterwards.

Mistake: 进程1.start() and 进程2.start() back to back, the joins at the end (a Process subclass,
Chinese names, f-strings).
Caught by: main called start() for work2 while work1 was still running. Before (base commit
97efe3a) the check compared when work2's process began to run: under spawn it boots 0.2-0.4 s
after start() on a busy machine, after work1's 0.15 s of warped sleeps, and the check passed in
about 1 run of 3 under load.
Fails: work2_after_work1
"""
import os
import time
from multiprocessing import Process

nums = [11, 22]


class 工作进程(Process):
    def __init__(self, 编号):
        super().__init__()
        self.编号 = 编号

    def run(self):
        if self.编号 == 1:
            print(f"in process1 pid={os.getpid()} ,nums={nums}")
            for i in range(3):
                nums.append(i)
                time.sleep(1)
                print(f"in process1 pid={os.getpid()} ,nums={nums}")
        else:
            print(f"in process2 pid={os.getpid()} ,nums={nums}")


if __name__ == "__main__":
    进程1 = 工作进程(1)
    进程2 = 工作进程(2)
    进程1.start()
    进程2.start()   # 忘了先等进程1结束
    for 进程 in (进程1, 进程2):
        进程.join()
    print(f"in main pid={os.getpid()} ,nums={nums}")
