"""Correct: prints a per-file line (已完成：NAME) before each progress line, on separate lines.

Otherwise a learner's plain version: chunked copy with shutil.copyfileobj and a 1 MiB buffer,
os.path.abspath for the trailing slash, a Pool of 4, every task reporting (name, error).
"""
import multiprocessing
import os
import shutil
import sys

BUFFER = 1024 * 1024


def copy_file(queue, name, source, target):
    try:
        with open(os.path.join(source, name), "rb") as f_read, open(os.path.join(target, name), "wb") as f_write:
            shutil.copyfileobj(f_read, f_write, BUFFER)
        queue.put((name, None))
    except OSError as error:
        queue.put((name, str(error)))


def main():
    source = sys.argv[1] if len(sys.argv) > 1 else input("请输入要copy的文件夹的名字：")
    if not os.path.isdir(source):
        print("error: %s is not a folder" % source, file=sys.stderr)
        sys.exit(2)
    target = sys.argv[2] if len(sys.argv) > 2 else os.path.abspath(source) + "[复件]"

    names = []
    for folder, _, files in os.walk(source):
        os.makedirs(os.path.join(target, os.path.relpath(folder, source)), exist_ok=True)
        names += [os.path.relpath(os.path.join(folder, f), source) for f in files]

    queue = multiprocessing.Manager().Queue()
    pool = multiprocessing.Pool(4)
    for name in names:
        pool.apply_async(copy_file, (queue, name, source, target))
    pool.close()

    failed = []
    for done in range(1, len(names) + 1):
        name, error = queue.get()
        if error:
            failed.append((name, error))
            print("失败：%s" % name)
        else:
            print("已完成：%s" % name)
        print("拷贝的进度为：%.2f %%" % (done * 100 / len(names)))
    if not names:
        print("拷贝的进度为：100.00 %")
    pool.join()
    for name, error in failed:
        print("copy failed: %s (%s)" % (name, error), file=sys.stderr)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
