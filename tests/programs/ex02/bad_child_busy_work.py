"""Wrong: the child "works" fifteen seconds by spinning on the clock, and main waits by polling.

Mistake: `while time.time() - t0 < 15: pass` to pass the time in the child, and
`while child.is_alive(): pass` in main instead of join(): the pids and the order are right, but
both processes keep a CPU core busy the whole time.
Caught by: the child (and main) never sleep while the child works. Commit 97efe3a passed every
check of ex02 on this program.
Fails: waits_without_spinning
"""
import os
import time
from multiprocessing import Process


def run_proc():
    print(f"子进程运行中，pid={os.getpid()}...")
    t0 = time.time()
    while time.time() - t0 < 15:   # 模拟工作 15 秒
        pass
    print("子进程将要结束...")


if __name__ == "__main__":
    print(f"父进程pid: {os.getpid()}")
    child = Process(target=run_proc)
    child.start()
    while child.is_alive():
        pass
