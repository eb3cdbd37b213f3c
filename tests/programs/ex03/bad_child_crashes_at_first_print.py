"""Wrong: the child's line passes os.getpid instead of os.getpid(): its first print raises TypeError.

Mistake: the function itself, not its result, is formatted with %d; the child crashes before it
prints anything, and main's terminate() finds it already gone (exit code 1).
Caught by: the crash (its traceback), and each check of the child's lines says the child printed
nothing and ended with exit code 1, by itself. Before (5085c5a): three of those checks were
skipped as "the child printed nothing before main stopped it", and the fourth said "main slept
after p.start(), then called terminate()" with a hint to print earlier: the evidence did not
support either (the child had ended on its own, before terminate()).
Fails: no_process_crashed child_got_args child_got_kwargs child_prints_its_pid child_terminated_early
"""
import os
from multiprocessing import Process
from time import sleep


def run_proc(name, age, **kwargs):
    for _ in range(10):
        print('子进程运行中，name= %s,age=%d ,pid=%d...' % (name, age, os.getpid))
        print(kwargs)
        sleep(0.2)


if __name__ == '__main__':
    p = Process(target=run_proc, args=('test', 18), kwargs={'m': 20})
    p.start()
    sleep(1)
    p.terminate()
    p.join()
    print('alive=%s exitcode=%s' % (p.is_alive(), p.exitcode))
