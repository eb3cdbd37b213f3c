"""Wrong: the state is printed right after terminate(), before join() has waited for the child to die.

Mistake: the alive/exitcode line is printed before p.join().
Caught by: almost always it says alive=True exitcode=None while the child really ended with -15
(about 1 run in 100 the child is already gone and exitcode reads -15, but alive still reads True).
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
    print(f"alive={p.is_alive()} exitcode={p.exitcode}")
    p.join()
