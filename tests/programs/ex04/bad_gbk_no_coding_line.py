"""Wrong: saved in GBK (a Chinese Windows editor's default) with no coding line: Python reads UTF-8.

Mistake: the code is right, but Python cannot read its Chinese names. At 97efe3a this was not
reported as such: "no process crashes" passed (Python prints no `Traceback` header for it) and the
other checks failed.
Caught by: "your program did not start: SyntaxError, line 16 of ex04_unshared_globals.py: ... <-
the file is not UTF-8 (byte 0xbe) and no coding line says which encoding it uses", found by
reading the file, without running it; the other checks are skipped. (This docstring is ASCII on
purpose: the first byte that is not UTF-8 is in the code.)
Fails: no_process_crashed
"""
import os
import time
from multiprocessing import Process

全局列表 = [11, 22]


def 工作1():
    print("进程1 pid=%d ,列表=%s" % (os.getpid(), 全局列表))
    for i in range(3):
        全局列表.append(i)
        time.sleep(1)
        print("进程1 pid=%d ,列表=%s" % (os.getpid(), 全局列表))


def 工作2():
    print("进程2 pid=%d ,列表=%s" % (os.getpid(), 全局列表))


if __name__ == "__main__":
    p1 = Process(target=工作1)
    p1.start()
    p1.join()
    p2 = Process(target=工作2)
    p2.start()
    p2.join()
    print("主进程 pid=%d ,列表=%s" % (os.getpid(), 全局列表))
