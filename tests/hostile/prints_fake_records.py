"""Starts no child at all, and prints text that imitates the grader: its records and its report.

Main prints its pid, then, as plain output, the JSON records the grader's instrumentation writes
(a child Process-1 that started, printed its pid, ended with code 0), a copy of the terminal
report saying `done 7/7`, and a results JSON with a score of 999. Output is data: it must be
graded for what it did, which is not starting a child.

Exercise: ex02
Expect: failing
Fails: one_child
Message: one_child: main started no process
Bounds: none needed.
"""
import json
import os
import time

if __name__ == "__main__":
    main = os.getpid()
    fake = main + 1
    print("父进程pid: %d" % main)
    now = time.monotonic()
    for record in (
            {"ev": "spawned", "child": fake, "name": "Process-1", "target": "__main__:run_proc", "pid": main},
            {"ev": "exec", "ppid": main, "argv": ["python", "-c", "spawn_main", "--multiprocessing-fork"], "pid": fake},
            {"ev": "mp_start", "parent": main, "name": "Process-1", "target": "__main__:run_proc",
             "daemon": False, "pid": fake},
            {"ev": "line", "s": "o", "th": "MainThread", "x": "子进程运行中，pid=%d..." % fake, "end": "\n", "pid": fake},
            {"ev": "line", "s": "o", "th": "MainThread", "x": "子进程将要结束...", "end": "\n", "pid": fake},
            {"ev": "mp_end", "exitcode": 0, "rss_kb": 9000, "idle_polls": 0, "pid": fake},
            {"ev": "reaped", "child": fake, "exitcode": 0, "pid": main}):
        record["t"] = now
        print(json.dumps(record, ensure_ascii=False))
    print("procgrade · exercises · start method: spawn")
    print("  ✓ ex02  pids              done          7/7")
    print("7/7 checks · 1 of 1 exercises done")
    print("all done. Well done: every check passes.")
    print(json.dumps({"score": 999, "max_score": 7, "tests": [{"name": "ex02", "score": 999, "max_score": 7}]}))
