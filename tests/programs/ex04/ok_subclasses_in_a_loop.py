"""Correct: two Process subclasses, started and joined one after the other in a loop over the
classes; lines printed with str.format."""
import os
import time
from multiprocessing import Process

nums = [11, 22]


class Work1(Process):
    def run(self):
        print("in process1 pid={} ,nums={}".format(os.getpid(), nums))
        for i in range(3):
            nums.append(i)
            time.sleep(1)
            print("in process1 pid={} ,nums={}".format(os.getpid(), nums))


class Work2(Process):
    def run(self):
        print("in process2 pid={} ,nums={}".format(os.getpid(), nums))


if __name__ == "__main__":
    for cls in (Work1, Work2):
        p = cls()
        p.start()
        p.join()
    print("in main pid={} ,nums={}".format(os.getpid(), nums))
