"""Wrong: the final line is typed in, not read from the Process object.

Mistake: print('alive=False exitcode=-15') instead of asking p.is_alive() and p.exitcode.
Caught by: not by a plain run, where the typed line happens to be true. The grader must change the truth:
when the child ends otherwise than by SIGTERM (the grader kills it with SIGKILL, giving -9; or its sleeps are
scaled so that it finishes its 10 rounds before terminate(), giving 0), the line still says exitcode=-15.
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
