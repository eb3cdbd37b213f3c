"""Wrong: main reports the child's exit code after join(), but never whether it is alive.

Mistake: the task asks for both values of the Process object (`alive=False exitcode=-15`); this
main prints only `退出码 = -15`.
Caught by: the exit code is found on the line main printed after reading it; no line shows
is_alive(), which main never read.
Fails: main_reports_exit_state
"""
import os
from multiprocessing import Process
from time import sleep


def run_proc(name, age, **kwargs):
    for _ in range(10):
        print('子进程运行中，name= %s,age=%d ,pid=%d...' % (name, age, os.getpid()))
        print(kwargs)
        sleep(0.2)


if __name__ == '__main__':
    p = Process(target=run_proc, args=('test', 18), kwargs={'m': 20})
    p.start()
    sleep(1)
    p.terminate()
    p.join()
    print("退出码 = %d" % p.exitcode)
