"""Wrong (for this kit): the tutorial's copier with progress, exactly as printed.

Mistake: none of the behaviours the kit asks for beyond the tutorial: it reads() each file whole,
lists the top folder only, lets a failing task die without a report (so main waits forever in
q.get()), waits for a report even when the folder is empty, does not check that the folder
exists, and glues "[复件]" onto the name as typed (`data/` gives `data/[复件]`).
Caught by: only the checks marked **more** in the spec; everything the tutorial itself does
(a byte-identical copy by the pool's workers, the progress up to 100, a second run) passes.
Fails: broken_link_does_not_stop_the_copy copies_sub_folders empty_folder_gives_empty_copy memory_stays_small missing_folder_message trailing_slash_copies_next_to_it
"""
import os
import multiprocessing


def copy_file(q, file_name, old_folder_name, new_folder_name):
    """完成文件的复制"""
    # print("======>模拟copy文件：从%s--->到%s 文件名是:%s" % (old_folder_name, new_folder_name, file_name))
    old_f = open(old_folder_name + "/" + file_name, "rb")
    content = old_f.read()
    old_f.close()

    new_f = open(new_folder_name + "/" + file_name, "wb")
    new_f.write(content)
    new_f.close()

    # 如果拷贝完了文件，那么就向队列中写入一个消息，表示已经完成
    q.put(file_name)


def main():
    # 1. 获取用户要copy的文件夹的名字
    old_folder_name = input("请输入要copy的文件夹的名字：")

    # 2. 创建一个新的文件夹
    try:
        new_folder_name = old_folder_name + "[复件]"
        os.mkdir(new_folder_name)
    except:
        pass

    # 3. 获取文件夹的所有的待copy的文件名字  listdir()
    file_names = os.listdir(old_folder_name)
   # print(file_names)

    # 4. 创建进程池
    po = multiprocessing.Pool(5)

    # 5. 创建一个队列
    q = multiprocessing.Manager().Queue() #这里必须使用的是Manager的队列

    # 6. 向进程池中添加 copy文件的任务
    for file_name in file_names:
        po.apply_async(copy_file, args=(q, file_name, old_folder_name, new_folder_name))

    po.close()
    # po.join()
    all_file_num = len(file_names)  # 测一下所有的文件个数
    copy_ok_num = 0  #拷贝完的文件的个数进行初始化
    while True:
        file_name = q.get()  #往外取拷贝完了的文件名,获取到了就加一
        # print("已经完成copy：%s" % file_name)
        copy_ok_num+=1
        print("\r拷贝的进度为：%.2f %%" % (copy_ok_num*100/all_file_num), end="")
        if copy_ok_num >= all_file_num:#个数相等就说明拷贝完了就结束循环
            break


    print()

if __name__ == "__main__":
    main()
