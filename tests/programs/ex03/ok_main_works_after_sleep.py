"""Correct: after its sleep, main works out a sum (about 0.3 s of CPU) before it stops the child.

Run for real, the child has printed about 6 of its 10 rounds when terminate() comes. Graded at
the suite's warp (main's sleep(1) lasts 200 ms, the child's rounds 40 ms), that sum stands for
what a busy machine does to a main it wakes: at load 14, main once waited 200 ms for a CPU after
its sleep. At 440cc5b the pacing let the child go as soon as main woke: the child ran its last
rounds meanwhile, ended by itself, and this program failed "main stops the child early". The
child is held now until main does something after waking (here, terminate()).
"""
import os
from multiprocessing import Process
from time import sleep


def 子任务(名字, 年龄, **其他):
    for 轮 in range(10):
        print('子进程运行中，name= %s,age=%d ,pid=%d...' % (名字, 年龄, os.getpid()), flush=True)
        print(其他, flush=True)
        sleep(0.2)


if __name__ == '__main__':
    子进程 = Process(target=子任务, args=('test', 18), kwargs={'m': 20})
    子进程.start()
    sleep(1)
    校验和 = sum(i * i for i in range(6_000_000))   # some work of main's own before it stops the child
    子进程.terminate()
    子进程.join()
    print("alive=%s exitcode=%s" % (子进程.is_alive(), 子进程.exitcode))
