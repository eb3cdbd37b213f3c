"""Correct: each task copies its file with shutil.copyfile (chunked by the library); tutorial-like names.

Written the way a learner might after the tutorial: input() or argv[1], os.walk for sub-folders,
os.path.abspath for the trailing slash (and for "."), a (name, error) report from every task.
"""
import multiprocessing
import os
import shutil
import sys


def copy_file(q, file_name, old_folder_name, new_folder_name):
    """Copy one file; always report back, with the error text if it failed."""
    try:
        shutil.copyfile(os.path.join(old_folder_name, file_name), os.path.join(new_folder_name, file_name))
    except Exception as e:
        q.put((file_name, repr(e)))
        return
    q.put((file_name, None))


def main():
    if len(sys.argv) > 1:
        old_folder_name = sys.argv[1]
    else:
        old_folder_name = input("请输入要copy的文件夹的名字：")
    if not os.path.isdir(old_folder_name):
        print("找不到文件夹 %s" % old_folder_name, file=sys.stderr)
        sys.exit(2)
    old_folder_name = os.path.abspath(old_folder_name)  # no trailing "/": the copy goes next to it
    new_folder_name = sys.argv[2] if len(sys.argv) > 2 else old_folder_name + "[复件]"
    os.makedirs(new_folder_name, exist_ok=True)

    file_names = []
    for dir_path, dir_names, names in os.walk(old_folder_name):
        relative_dir = os.path.relpath(dir_path, old_folder_name)
        for dir_name in dir_names:
            os.makedirs(os.path.join(new_folder_name, relative_dir, dir_name), exist_ok=True)
        for name in names:
            file_names.append(os.path.normpath(os.path.join(relative_dir, name)))

    q = multiprocessing.Manager().Queue()
    po = multiprocessing.Pool(3)
    for file_name in file_names:
        po.apply_async(copy_file, args=(q, file_name, old_folder_name, new_folder_name))
    po.close()

    all_file_num = len(file_names)
    copy_ok_num = 0
    errors = []
    if all_file_num == 0:
        print("\r拷贝的进度为：%.2f %%" % 100, end="", flush=True)
    while copy_ok_num < all_file_num:
        file_name, error = q.get()
        copy_ok_num += 1
        if error:
            errors.append("%s: %s" % (file_name, error))
        print("\r拷贝的进度为：%.2f %%" % (copy_ok_num * 100 / all_file_num), end="", flush=True)
    print()
    po.join()
    if errors:
        print("没有拷贝成功的文件:", file=sys.stderr)
        for line in errors:
            print(line, file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
