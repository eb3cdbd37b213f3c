"""Wrong: `Proces` for `Process`: main raises NameError before it starts the child or prints a line.

Mistake: a typo in main. At 97efe3a the learner saw "main crashed with `NameError: ...`" under
"no process crashes" and six other failures about a child that never existed, never the line.
Caught by: one message, "your program did not start: NameError, line 24 of
ex03_process_args.py: `子进程 = Proces(...)` <- name 'Proces' is not defined...", read from the
real stderr of the run; the other checks are skipped, and the report shows the traceback cut to
the learner's file.
Fails: no_process_crashed
"""
import os
import time
from multiprocessing import Process


def run_proc(name, age, **kwargs):
    for i in range(10):
        print("子进程运行中，name= %s,age=%d ,pid=%d..." % (name, age, os.getpid()))
        print(kwargs)
        time.sleep(0.2)


if __name__ == "__main__":
    子进程 = Proces(target=run_proc, args=("test", 18), kwargs={"m": 20})
    子进程.start()
    time.sleep(1)
    子进程.terminate()
    子进程.join()
    print("alive=%s exitcode=%s" % (子进程.is_alive(), 子进程.exitcode))
