"""Wrong: the state is read between terminate() and join(), and worded in Chinese
(`存活: True  退出码: None`).

Mistake: terminate() only sends SIGTERM; the child may not have died when main asks, so main
reports a child that is still alive. The graded run sends the SIGTERM only when main next joins
the child (or 1 s later), so the read before join() always finds it alive.
Caught by: the values main read (is_alive() True, exitcode None), found in the line it printed
after reading them. Graded wrong at 7424fbd for another reason: "main printed no line with
alive= and exitcode=", while it had printed both, in its own words.
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
    print("存活: %s  退出码: %s" % (p.is_alive(), p.exitcode))
    p.join()
