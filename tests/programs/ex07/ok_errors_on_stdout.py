"""Correct: reports a missing folder and the files it could not copy on stdout, not stderr, and
exits with a non-zero code.

stderr is the better place, and the report says so in a note; the behaviour is right, so no
point is lost. Commit 97efe3a failed "missing_folder_message" and "broken_link_reported" here.
"""
import multiprocessing
import os
import sys


def copy_file(queue, name, source, target):
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
    source = sys.argv[1] if len(sys.argv) > 1 else input("请输入文件夹: ")
    if not os.path.isdir(source):
        print("错误：文件夹 %s 不存在" % source)
        sys.exit(1)
    target = os.path.abspath(source) + "[副本]"
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
        print("当前拷贝进度：100.00%")
    for done in range(1, len(names) + 1):
        name, error = queue.get()
        if error:
            failed.append(name)
        print("\r当前拷贝进度：%.2f%%" % (done * 100 / len(names)), end="", flush=True)
    print()
    pool.join()
    if failed:
        print("这些文件没有拷贝成功：" + ", ".join(failed))
        sys.exit(1)


if __name__ == "__main__":
    main()
