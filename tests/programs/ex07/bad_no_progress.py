"""Wrong: copies every file right, but never shows how far it got.

Mistake: main waits for the reports and counts them, yet prints no progress value at all.
Caught by: no number followed by % is ever printed. Commit 97efe3a passed "the progress counts
the files" on this program (no value to judge, so none was wrong); now that check builds on a
progress being shown and is skipped.
Fails: progress_ends_at_100 progress_never_goes_down
"""
import multiprocessing
import os
import sys


def 拷贝文件(队列, 文件名, 源文件夹, 目标文件夹):
    try:
        with open(os.path.join(源文件夹, 文件名), "rb") as 旧, open(os.path.join(目标文件夹, 文件名), "wb") as 新:
            for 块 in iter(lambda: 旧.read(1 << 20), b""):
                新.write(块)
        队列.put((文件名, None))
    except OSError as 错误:
        队列.put((文件名, str(错误)))


def main():
    源 = sys.argv[1] if len(sys.argv) > 1 else input("请输入要复制的文件夹的名字：")
    if not os.path.isdir(源):
        print(f"找不到文件夹 {源}", file=sys.stderr)
        sys.exit(2)
    目标 = os.path.abspath(源) + "[复件]"
    文件们 = []
    for 目录, _, 名字们 in os.walk(源):
        os.makedirs(os.path.join(目标, os.path.relpath(目录, 源)), exist_ok=True)
        文件们 += [os.path.relpath(os.path.join(目录, 名), 源) for 名 in 名字们]

    队列 = multiprocessing.Manager().Queue()
    进程池 = multiprocessing.Pool(3)
    for 名 in 文件们:
        进程池.apply_async(拷贝文件, (队列, 名, 源, 目标))
    进程池.close()
    失败 = []
    for _ in 文件们:
        名, 错误 = 队列.get()
        if 错误:
            失败.append((名, 错误))
    进程池.join()
    print("拷贝完成")
    for 名, 错误 in 失败:
        print(f"没能拷贝 {名}: {错误}", file=sys.stderr)
    sys.exit(1 if 失败 else 0)


if __name__ == "__main__":
    main()
