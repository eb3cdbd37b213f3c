"""Imports every grader module, the supervisor too (not the Linux backend, imported only on Linux;
not the instrumentation), in a Python from which the POSIX-only calls Windows lacks were removed:
`python without_posix.py KIT` prints ok or the modules that failed. Run by tests/test_machines.py
in a process of its own."""

import importlib, os, signal, socket, sys, pkgutil
# the standard library and the dependencies are platform-aware on Windows: import them as they are
for name in ("subprocess", "shutil", "tempfile", "multiprocessing", "multiprocessing.connection", "multiprocessing.pool",
             "concurrent.futures", "asyncio", "selectors", "platform", "zipfile", "tarfile", "csv", "json", "gettext",
             "argparse", "pytest", "psutil", "watchfiles", "threading", "faulthandler", "tokenize", "compileall",
             "uuid", "hashlib", "secrets", "textwrap", "unicodedata", "codecs", "io", "locale", "ctypes", "queue",
             "_pytest.timeout" , "pytest_timeout"):
    try:
        importlib.import_module(name)
    except ImportError:
        pass
for name in ("sysconf", "getuid", "geteuid", "getgid", "killpg", "fork", "setsid", "register_at_fork", "getpgid",
             "sched_getaffinity", "WNOHANG", "wait3", "wait4", "getloadavg", "setpgid", "chown", "lchown", "geteuid"):
    if hasattr(os, name):
        delattr(os, name)
for name in ("SIGUSR1", "SIGUSR2", "SIGALRM", "SIGKILL", "SIGHUP", "SIGCHLD", "SIGQUIT", "SIGSTOP", "SIGCONT", "setitimer", "alarm", "pthread_kill", "SIGPIPE"):
    if hasattr(signal, name):
        delattr(signal, name)
if hasattr(socket, "AF_UNIX"):
    delattr(socket, "AF_UNIX")
for name in ("resource", "fcntl", "termios", "pwd", "grp"):
    sys.modules[name] = None
sys.path.insert(0, sys.argv[1])
import grader
skip = {"grader.backends.linux"}   # imported only where the backend is linux
failed = []
for info in pkgutil.walk_packages(grader.__path__, "grader."):
    if info.name in skip or info.name.startswith("grader.instrument"):
        continue
    try:
        importlib.import_module(info.name)
    except Exception as e:
        failed.append("%s: %r" % (info.name, e))
if not failed:
    try:
        from grader import __main__ as cli, machine, sandbox
        cli.parser()
        machine.usable_cpus()
        machine.pytest_timeout_method()
        sandbox.choose()
    except Exception as e:
        failed.append("calling: %r" % e)
print("\n".join(failed) or "ok")
