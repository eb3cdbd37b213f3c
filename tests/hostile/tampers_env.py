"""Does exercise 2 right, but starts its child without the grader's instrumentation.

Before it starts the child, main removes from its environment what the instrumentation relies on
(PYTHONPATH, which loads it, and the PROCGRADE_* variables, which tell it where to write) and
sets PYTHONNOUSERSITE. Under spawn the child is a fresh interpreter that inherits that
environment: it runs unobserved, and its lines reach stdout without a record of who printed
them. The grader cannot credit what it could not see (which checks fail depends on what it
still sees), but a failing check must say why it could not see it.

Exercise: ex02
Expect: failing
Fails: ...
Message: instrument|environment
Bounds: changes only its own environment.
"""
import os
from multiprocessing import Process


def run_proc():
    print("子进程运行中，pid=%d..." % os.getpid())
    print("子进程将要结束...")


if __name__ == "__main__":
    print("父进程pid: %d" % os.getpid())
    for name in list(os.environ):
        if name == "PYTHONPATH" or name.startswith("PROCGRADE_"):
            del os.environ[name]
    os.environ["PYTHONNOUSERSITE"] = "1"
    p = Process(target=run_proc)
    p.start()
    p.join()
