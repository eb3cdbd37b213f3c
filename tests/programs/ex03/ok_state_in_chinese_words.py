"""Correct: main reports the child's state in Chinese words of its own (`子进程还活着吗？ False`,
`退出码： -15`), read from the Process object after join().

Graded wrong at 7424fbd: no English word alive/exitcode, so "main printed no line with alive= and
exitcode=". The values are now found by what main read: the first line it printed after reading
is_alive() that shows the value read, and the same for exitcode.
"""
import os
from multiprocessing import Process
from time import sleep


def 子进程(名字, 年龄, **其他):
    for _ in range(10):
        print('子进程运行中，name= %s,age=%d ,pid=%d...' % (名字, 年龄, os.getpid()))
        print(其他)
        sleep(0.2)


def main():
    进程 = Process(target=子进程, args=('test', 18), kwargs={'m': 20})
    进程.start()
    sleep(1)
    进程.terminate()
    进程.join()
    还活着 = 进程.is_alive()
    退出码 = 进程.exitcode
    print("子进程还活着吗？", 还活着)
    print("退出码：", 退出码)


if __name__ == '__main__':
    main()
