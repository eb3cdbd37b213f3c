"""Wrong: each task moves its file into the copy instead of copying it.

Mistake: shutil.move(old, new) where a copy was meant: the files leave the source folder (and a
move within one disk only renames, so no file is ever written).
Fails: broken_link_reported copied_by_pool_workers memory_stays_small source_untouched trailing_slash_copies_next_to_it
"""
import multiprocessing
import shutil
import os
import sys


def copy_file(queue, name, source, target):
    """Move one file into the copy; always report (name, error)."""
    try:
        shutil.move(os.path.join(source, name), os.path.join(target, name))
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

    failed = []
    if not names:
        print("\r拷贝的进度为：100.00 %", end="")
    for done in range(1, len(names) + 1):
        name, error = queue.get()
        if error:
            failed.append("%s: %s" % (name, error))
        print("\r拷贝的进度为：%.2f %%" % (done * 100 / len(names)), end="", flush=True)
    print()
    pool.join()
    if failed:
        print("没有拷贝成功的文件：", *failed, sep="\n", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
