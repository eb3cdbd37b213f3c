"""Correct: the child first works out a checksum (0.3-0.5 s of CPU) before its rounds begin.

Run for real, main's sleep(1) outlasts that work: the child prints about 2 rounds before
terminate() comes. Graded at the suite's warp, main's sleep(1) lasts 200 ms: at 18ced2f it ended
while the child was still computing, terminate() stopped the child before its first line, and
this program failed four checks with "no process other than main printed anything" (3 of 8). The
same starvation, made by a busy machine instead of by the program, misgraded ex03's
bad_helper_new_session once under forkserver at load 16 (the child was still inside its first
subprocess.Popen). Main's warped sleep now also waits until each child it started has reached a
sleep of its own (or ended), bounded in the program's own time.
"""
import os
from multiprocessing import Process
from time import sleep


def 子进程(name, age, **kwargs):
    校验和 = sum(i * i % 7 for i in range(4_000_000))   # 先做准备工作，再开始打印
    for 轮 in range(10):
        print('第%d轮 子进程运行中，name= %s,age=%d ,pid=%d... 校验和=%d'
              % (轮 + 1, name, age, os.getpid(), 校验和), flush=True)
        print(kwargs, flush=True)
        sleep(0.2)


if __name__ == '__main__':
    p = Process(target=子进程, args=('test', 18), kwargs={'m': 20})
    p.start()
    sleep(1)
    p.terminate()
    p.join()
    print('alive=%s exitcode=%s' % (p.is_alive(), p.exitcode))
