"""Wrong: the child is made a daemon, and main ends right after start(), without waiting for anything.

Mistake: p.daemon = True. When main's code is over, multiprocessing terminates its daemon children
instead of waiting for them: run for real, the child is stopped before it prints (under spawn it
has not even finished booting; under fork it rarely gets its lines out).
Caught by: the graded start() returns once the child runs its target, which a real start() does
not; the child's first line now waits until main has given it time (slept, or waited for it).
Before (985906c): full marks in 2 gradings of 9 (the child printed both lines in the moment
between start() and main's end), 8/9 in the others (its last line lost); the same program with
daemon=True passed to Process, 4 of 9.
Fails: child_prints_its_pid child_finishes_first
"""
import os
from multiprocessing import Process


def 子进程要做的事():
    print('子进程运行中，pid=%d...' % os.getpid())
    print('子进程将要结束...')


if __name__ == '__main__':
    p = Process(target=子进程要做的事)
    p.daemon = True     # 守护进程：主进程结束时它也会被结束
    p.start()
    print('父进程pid: %d' % os.getpid())
