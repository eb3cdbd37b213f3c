"""Wrong: main's loop waits its second by watching the clock instead of sleeping.

Mistake: `while time.time() - 开始 < 1: pass` in place of time.sleep(1): the pacing is right, once
a second, but main burns a whole CPU core the whole time.
Caught by: main never sleeps once its loop runs (its thread stays on a CPU or waiting for one).
Commit 97efe3a passed every check of ex01 on this program.
Fails: waits_without_spinning
"""
import time
from multiprocessing import Process


def 子进程():
    while True:
        print("----2----")
        time.sleep(1)


if __name__ == "__main__":
    p = Process(target=子进程)
    p.start()
    while True:
        print("----1----")
        开始 = time.time()
        while time.time() - 开始 < 1:
            pass
