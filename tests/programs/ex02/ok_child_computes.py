"""Correct: the child does real work between its two lines (it counts the primes below three
million with a sieve, then sums the squares of twenty times as many numbers), and main joins it.

Graded wrong at 05bbc21 on a busy machine (6 runs each under spawn and fork at load 7: 2 and 1): "no
process spins where it should wait" failed at the child's sum, "did not sleep once in 0.23 s and
used 0.12 s of CPU": a thread awake for 0.2 s was taken for a spinner. Work asks nothing again
and again, and is not one.
"""
import os
from multiprocessing import Process


def 质数个数(上限):
    筛 = bytearray([1]) * 上限
    筛[0:2] = b"\0\0"
    for i in range(2, int(上限 ** 0.5) + 1):
        if 筛[i]:
            筛[i * i::i] = bytes(len(range(i * i, 上限, i)))
    return sum(筛)


def 子进程():
    print("子进程运行中，pid=%d..." % os.getpid())
    个数 = 质数个数(3_000_000)
    平方和 = sum(i * i for i in range(个数 * 20))
    print("子进程将要结束...（%d 个质数，平方和 %d 位）" % (个数, len(str(平方和))))


if __name__ == "__main__":
    print("父进程pid: %d" % os.getpid())
    p = Process(target=子进程)
    p.start()
    p.join()
