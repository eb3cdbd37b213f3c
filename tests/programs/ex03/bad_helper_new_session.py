"""Wrong: the child starts a background helper in a new session, which outlives the child.

Mistake: subprocess.Popen(..., start_new_session=True) in the child: the helper is detached from
the program (a session of its own); when terminate() ends the child, nothing waits for it.
Caught by: the supervisor sees the helper in a session other than main's. Before (base commit
97efe3a): full marks (it ends 0.3 s later, before anyone looked for leftovers).
Fails: stays_in_tree
"""
import os
import subprocess
from multiprocessing import Process
from time import sleep


def 子进程任务(name, age, **kwargs):
    subprocess.Popen(["sleep", "0.3"], start_new_session=True)   # 后台助手
    for _ in range(10):
        print('子进程运行中，name= %s,age=%d ,pid=%d...' % (name, age, os.getpid()), flush=True)
        print(kwargs, flush=True)
        sleep(0.2)


if __name__ == '__main__':
    p = Process(target=子进程任务, args=('test', 18), kwargs={'m': 20})
    p.start()
    sleep(1)
    p.terminate()
    p.join()
    print('alive=%s exitcode=%s' % (p.is_alive(), p.exitcode))
