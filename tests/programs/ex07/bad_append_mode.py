"""Wrong: opens each copy with "ab" (append) instead of "wb".

Mistake: open(path, "ab"): into a fresh folder it copies right, but run again over the copy it
made before, every file gets a second copy of its bytes added at its end.
Caught by: the second run into the existing copy: files a fresh copy gets right are now the old
file with the new one after it, and the hint names "ab".
Fails: second_run_into_existing_copy
"""
import os
import sys
from multiprocessing import Manager, Pool


def 复制(q, 旧路径, 新路径):
    try:
        with open(旧路径, "rb") as r, open(新路径, "ab") as w:
            while True:
                data = r.read(64 * 1024)
                if not data:
                    break
                w.write(data)
        q.put(None)
    except OSError as e:
        q.put("%s: %s" % (旧路径, e))


if __name__ == "__main__":
    src = sys.argv[1] if len(sys.argv) > 1 else input("请输入要copy的文件夹的名字：")
    if not os.path.isdir(src):
        print("文件夹不存在: %s" % src, file=sys.stderr)
        sys.exit(2)
    dst = os.path.abspath(src) + "-复件"
    jobs = []
    for root, dirs, files in os.walk(src):
        os.makedirs(os.path.join(dst, os.path.relpath(root, src)), exist_ok=True)
        for f in files:
            rel = os.path.relpath(os.path.join(root, f), src)
            jobs.append((os.path.join(src, rel), os.path.join(dst, rel)))
    q = Manager().Queue()
    pool = Pool(3)
    for old, new in jobs:
        pool.apply_async(复制, (q, old, new))
    pool.close()
    errors = []
    if not jobs:
        print("copy的进度是:100.00%")
    for i in range(len(jobs)):
        e = q.get()
        if e:
            errors.append(e)
        print("\rcopy的进度是:%.2f%%" % ((i + 1) * 100 / len(jobs)), end="")
    print()
    pool.join()
    for e in errors:
        print(e, file=sys.stderr)
    sys.exit(1 if errors else 0)
