"""Wrong: the final line is typed in, not read from the Process object.

Mistake: print('alive=False exitcode=-15') instead of asking p.is_alive() and p.exitcode.
Caught by: not by the values, which a plain run makes true (SIGTERM gives -15 on every
platform), but by what main asked: it never called p.is_alive() nor read p.exitcode (the
instrumentation records every read of a child's state). Before (base commit 97efe3a) the grader
replaced terminate()'s SIGTERM with SIGKILL to make the typed -15 false, and so expected -9 where
a learner's own run prints -15.
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
    print('alive=False exitcode=-15')
