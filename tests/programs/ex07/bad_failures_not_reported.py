"""Wrong: the tasks report their errors, but main never tells anyone.

Mistake: the failed files are counted for the progress and then forgotten: nothing on stderr, and
the exit code is 0, as if everything had been copied.
Fails: broken_link_reported
"""
import multiprocessing
import os
import sys


def copy_file(queue, name, source, target):
    """Copy one file in 1 MiB chunks; always report (name, error)."""
    try:
        with open(os.path.join(source, name), "rb") as old, open(os.path.join(target, name), "wb") as new:
            while True:
                chunk = old.read(1024 * 1024)
                if not chunk:
                    break
                new.write(chunk)
    except OSError as error:
        queue.put((name, str(error)))
    else:
        queue.put((name, None))


def main():
    source = sys.argv[1] if len(sys.argv) > 1 else input("请输入要copy的文件夹的名字：")
    if not os.path.isdir(source):
        print("没有这个文件夹：%s" % source, file=sys.stderr)
        sys.exit(2)
    target = os.path.abspath(source) + "[复件]"
    os.makedirs(target, exist_ok=True)

    names = []
    for folder, _, files in os.walk(source):
        os.makedirs(os.path.join(target, os.path.relpath(folder, source)), exist_ok=True)
        names += [os.path.relpath(os.path.join(folder, f), source) for f in files]

    queue = multiprocessing.Manager().Queue()
    pool = multiprocessing.Pool(3)
    for name in names:
        pool.apply_async(copy_file, (queue, name, source, target))
    pool.close()

    if not names:
        print("\r拷贝的进度为：100.00 %", end="")
    for done in range(1, len(names) + 1):
        name, error = queue.get()
        print("\r拷贝的进度为：%.2f %%" % (done * 100 / len(names)), end="", flush=True)
    print()
    pool.join()


if __name__ == "__main__":
    main()
