"""Every learner's machine: the README's first command on a Python that refuses pip (PEP 668),
the bootstrap's pieces, and the platform details outside the supervisor."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from graded import KIT

sys.path.insert(0, str(KIT))
import kit  # noqa: E402

SYSTEM_PYTHON = "/usr/bin/python3"


def externally_managed(python: str) -> bool:
    """Whether `python` refuses `pip install` outside a venv (PEP 668's marker file) and can make one."""
    probe = ("import sysconfig, os, venv, ensurepip; "   # and it can make a venv (Debian: python3-venv)
             "print(os.path.exists(os.path.join(sysconfig.get_path('stdlib'), 'EXTERNALLY-MANAGED')))")
    try:
        done = subprocess.run([python, "-I", "-c", probe], capture_output=True, text=True, timeout=30)
    except OSError:
        return False
    return done.stdout.strip() == "True"


def clean_clone(tmp_path: Path) -> Path:
    """The kit as a learner gets it: the committed files only (no .nox, no caches)."""
    target = tmp_path / "kit"
    if (KIT / ".git").exists() and shutil.which("git"):
        files = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                               cwd=KIT, capture_output=True, check=True).stdout.decode().split("\0")
        for name in filter(None, files):
            if (KIT / name).is_file():
                (target / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(KIT / name, target / name)
    else:
        shutil.copytree(KIT, target, ignore=shutil.ignore_patterns(".nox", "__pycache__", ".git", ".procgrade"))
    return target


@pytest.mark.slow
@pytest.mark.linux_only
@pytest.mark.skipif(not (os.path.exists(SYSTEM_PYTHON) and externally_managed(SYSTEM_PYTHON)),
                    reason="needs a PEP 668 /usr/bin/python3 (Debian 12, Ubuntu 24.04)")
def test_the_readme_command_works_on_a_python_that_refuses_pip(tmp_path):
    """From a clean copy, with only the system's Python on PATH and an empty HOME (no user pip,
    no nox): the old first command fails as PEP 668 says, the README's works, and the second run
    reuses what the first made."""
    kit_dir = clean_clone(tmp_path)
    home = tmp_path / "home"
    home.mkdir()
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8"}
    refused = subprocess.run([SYSTEM_PYTHON, "-m", "pip", "install", "nox"], cwd=kit_dir, env=env,
                             capture_output=True, text=True, timeout=300)
    assert refused.returncode != 0 and "externally-managed-environment" in refused.stderr, refused.stderr
    started = time.monotonic()
    first = subprocess.run([SYSTEM_PYTHON, "kit.py", "-s", "check"], cwd=kit_dir, env=env,
                           capture_output=True, text=True, timeout=900)
    took = time.monotonic() - started
    assert first.returncode == 1, first.stdout + first.stderr          # stubs: not done yet
    assert "0 of 7 exercises done" in first.stdout, first.stdout + first.stderr
    assert "installing nox" in first.stderr
    # what to run next is said as this learner runs the kit, not as `nox`, which they do not have
    assert "then run: python3 kit.py -s check -- ex01" in first.stdout, first.stdout
    # the second run makes nothing again, and works from exercises/ as the README says
    again = subprocess.run([SYSTEM_PYTHON, "../kit.py", "-s", "check", "--", "ex02"], cwd=kit_dir / "exercises",
                           env=env, capture_output=True, text=True, timeout=300)
    assert again.returncode == 1 and "ex02" in again.stdout, again.stdout + again.stderr
    assert "installing" not in again.stderr and "Setting up" not in again.stderr, again.stderr
    assert "python3 ../kit.py -s check -- ex02" in again.stdout, again.stdout
    print("first run from a clean copy: %.1f s" % took)


def test_the_bootstrap_finds_the_kits_noxfile_from_any_folder(tmp_path):
    assert kit.nox_arguments(["-s", "check"], tmp_path) == ["-f", str(KIT / "noxfile.py"), "-s", "check"]
    assert kit.nox_arguments(["-s", "check"], KIT / "exercises") == ["-s", "check"]
    assert kit.nox_arguments(["-f", "x.py", "-s", "check"], tmp_path) == ["-f", "x.py", "-s", "check"]


def test_the_bootstrap_uses_a_python_that_has_nox_and_not_one_without(tmp_path):
    assert not kit.has_nox(str(tmp_path / "no-such-python"))
    bare = subprocess.run([sys.executable, "-c", "import importlib.util as u; print(u.find_spec('nox') is None)"],
                          capture_output=True, text=True).stdout.strip()
    assert kit.has_nox(sys.executable) == (bare == "False")
    assert kit.this_python_has_nox() == kit.has_nox(sys.executable)   # asked without starting a Python


def test_a_learners_session_alone_is_handed_to_the_grader_without_nox_and_anything_else_goes_to_nox():
    from grader.learner_env import session_of
    assert session_of([]) == ("check", [])
    assert session_of(["--", "ex03", "--lang", "zh"]) == ("check", ["ex03", "--lang", "zh"])
    assert session_of(["-s", "check", "--", "ex03"]) == ("check", ["ex03"])
    assert session_of(["--session", "list"]) == ("list", [])
    assert session_of(["--sessions=hint", "--", "ex02"]) == ("hint", ["ex02"])
    assert session_of(["-e", "watch"]) == ("watch", [])
    for args in (["-s", "tests"], ["-s", "check", "list"], ["-s", "check", "-R"], ["--list"], ["-R"],
                 ["-s", "solutions", "--", "ex01"], ["-f", "noxfile.py", "-s", "check"], ["-s"]):
        assert session_of(args) is None, args
    assert kit.uses_the_kits_noxfile(KIT) and kit.uses_the_kits_noxfile(KIT / "exercises")


def test_kit_hands_a_ready_learners_session_to_the_grader_and_the_rest_to_nox(tmp_path, monkeypatch):
    from grader import commands, learner_env
    monkeypatch.setenv(commands.VARIABLE, "")   # kit.main sets it: put back as it was after the test
    handed, started = [], []

    def replaced_by(log, entry):   # neither returns: the grader, or nox, replaces kit.py
        log.append(entry)
        raise SystemExit(0)

    monkeypatch.setattr(learner_env, "hand_over", lambda session, posargs: replaced_by(handed, (session, posargs)))
    monkeypatch.setattr(kit, "this_python_has_nox", lambda: True)
    monkeypatch.setattr(learner_env, "become", lambda command: replaced_by(started, command[2:]))

    def kit_main(*args: str) -> None:
        with pytest.raises(SystemExit):
            kit.main(list(args))

    monkeypatch.chdir(KIT)
    monkeypatch.setattr(learner_env, "ready", lambda: True)
    kit_main("-s", "check", "--", "ex03")
    kit_main("-s", "tests")
    assert handed == [("check", ["ex03"])] and started == [["nox", "-s", "tests"]]
    monkeypatch.setattr(learner_env, "ready", lambda: False)   # not made yet: nox makes it
    kit_main("-s", "check")
    assert len(handed) == 1 and started[-1] == ["nox", "-s", "check"]
    (tmp_path / "noxfile.py").write_text("# somebody else's project\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(learner_env, "ready", lambda: True)
    kit_main("-s", "check")   # their noxfile, not the kit's: nox reads it
    assert len(handed) == 1 and started[-1] == ["nox", "-s", "check"]


def test_the_bootstrap_is_probed_once_then_trusted_while_its_python_is_the_same(tmp_path, monkeypatch):
    """Each learner's command used to start the bootstrap's Python once more just to ask it for
    nox's version; a stamp now says it was asked, for this very interpreter and requirement."""
    folder = tmp_path / "bootstrap"
    python = kit.bootstrap_python(folder)
    python.parent.mkdir(parents=True)
    python.write_bytes(b"a stand-in for the environment's interpreter")
    probes = []
    monkeypatch.setattr(kit, "has_nox", lambda p: probes.append(p) or True)
    assert kit.make_bootstrap(folder) == python and len(probes) == 1   # asked, then stamped
    assert kit.make_bootstrap(folder) == python and len(probes) == 1   # trusted: not asked again
    python.write_bytes(b"another interpreter: upgraded or replaced")
    assert kit.make_bootstrap(folder) == python and len(probes) == 2   # changed: asked again
    (folder / kit.STAMP).write_text("a stamp of an older kit\n", encoding="utf-8")
    assert kit.make_bootstrap(folder) == python and len(probes) == 3


# --- start methods: only those the platform offers ----------------------------------------------

def pretend_windows(monkeypatch):
    import multiprocessing
    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    monkeypatch.setattr(multiprocessing, "get_context", lambda method=None: _SpawnOnly())


class _SpawnOnly:
    def get_start_method(self) -> str:
        return "spawn"


def test_a_start_method_the_platform_lacks_is_an_error_naming_those_it_has(monkeypatch, capsys):
    from grader import __main__ as cli
    from grader import start_methods
    pretend_windows(monkeypatch)
    assert start_methods.offered() == ("spawn",)
    assert start_methods.resolve("all") == ["spawn"]
    assert start_methods.resolve("default") == ["spawn"]
    graded = []
    monkeypatch.setattr(cli, "grade", lambda *a, **k: graded.append(a))
    assert cli.main(["check", "--start-method", "fork", "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert "--start-method fork is not available" in err and "it offers spawn" in err, err
    assert not graded                                     # never a silent spawn
    assert cli.main(["check", "--start-method", "forkserver", "--lang", "en"]) == 2
    assert "forkserver is not available" in capsys.readouterr().err


def test_default_is_resolved_once_to_a_named_method():
    import multiprocessing
    from grader import start_methods
    (method,) = start_methods.resolve("default")
    assert method in start_methods.offered()
    assert method == multiprocessing.get_context(None).get_start_method()
    assert start_methods.resolve("all") == [m for m in ("fork", "spawn", "forkserver")
                                            if m in multiprocessing.get_all_start_methods()]


# --- a grader failure is never "not started" -----------------------------------------------------

def test_a_supervisor_that_cannot_start_the_program_is_a_loud_grader_error_exit_2(tmp_path):
    """Known wrong: a supervisor that dies before the program starts (macOS's setrlimit in
    preexec_fn did this to every run). The correct solutions must not be called "not started"."""
    broken = tmp_path / "supervisor.py"
    broken.write_text('raise ValueError("Exception occurred in preexec_fn.")\n', encoding="utf-8")
    code = ("import sys; from pathlib import Path; import grader.runner as runner; "
            "runner.SUPERVISOR = Path(sys.argv[1]); from grader.__main__ import main; "
            "sys.exit(main(['check', '--target', 'solutions', 'ex02', '--lang', 'en']))")
    proc = subprocess.run([sys.executable, "-c", code, str(broken)], cwd=KIT, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 2, proc.stdout + proc.stderr      # 1 means "not done yet": not this
    assert "grader error" in proc.stdout and "not started" not in proc.stdout, proc.stdout
    assert "fill in its TODOs" not in proc.stdout
    for what in ("THE GRADER ITSELF FAILED on ex02", "command: python -m grader check --target solutions ex02",
                 "Python: %d.%d" % sys.version_info[:2], "platform: ", "ValueError: Exception occurred in preexec_fn"):
        assert what in proc.stderr, proc.stderr


# --- Windows details outside the supervisor -----------------------------------------------------

def test_the_learners_environment_keeps_what_a_windows_python_needs(tmp_path, monkeypatch):
    from grader.runner import RunSpec, learner_env
    windows = {"SYSTEMROOT": r"C:\Windows", "WINDIR": r"C:\Windows", "COMSPEC": r"C:\Windows\system32\cmd.exe",
               "PATHEXT": ".COM;.EXE;.BAT", "GRADER_SECRET": "x"}
    for name, value in windows.items():
        monkeypatch.setenv(name, value)
    env = learner_env(tmp_path / "control", RunSpec(program=tmp_path / "p.py"))
    assert {k: env.get(k) for k in windows if k != "GRADER_SECRET"} == {k: v for k, v in windows.items()
                                                                          if k != "GRADER_SECRET"}
    assert "GRADER_SECRET" not in env                      # still built, not inherited
    assert env["TEMP"] == env["TMP"] == env["TMPDIR"] == str(tmp_path / "tmp")


def test_grader_modules_import_where_posix_only_calls_are_missing():
    """Windows lacks os.sysconf, os.getuid/geteuid, os.killpg, os.fork, SIGUSR1/SIGALRM/SIGKILL,
    AF_UNIX, resource, fcntl: every grader module outside the supervisor (whose portable backend
    is its own) imports without them, and the command line is built."""
    probe = Path(__file__).with_name("without_posix.py")
    proc = subprocess.run([sys.executable, str(probe), str(KIT)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stdout + proc.stderr


def test_pytest_timeout_uses_a_thread_where_there_is_no_sigalrm(monkeypatch):
    import signal
    from grader import machine
    assert machine.pytest_timeout_method() == ("signal" if hasattr(signal, "SIGALRM") else "thread")
    monkeypatch.delattr(signal, "SIGALRM", raising=False)
    assert machine.pytest_timeout_method() == "thread"
    assert "timeout_method" not in (KIT / "grader" / "pytest.ini").read_text(encoding="utf-8").split("[pytest]")[1]


def test_the_copiers_suite_finds_copies_opened_by_windows_paths():
    from pathlib import PurePosixPath, PureWindowsPath
    from grader.suites.test_ex07_folder_copier import copied_file
    windows = r"C:\Users\kim\AppData\Local\Temp\procgrade-run-1\work\data[复件]\sub\photo.bin"
    assert copied_file(windows, "data[复件]", PureWindowsPath) == "sub/photo.bin"     # FileFact's form
    assert copied_file(r"data[复件]\big.bin", "data[复件]", PureWindowsPath) == "big.bin"
    assert copied_file("/tmp/run/work/data[复件]/sub/photo.bin", "data[复件]", PurePosixPath) == "sub/photo.bin"
    assert copied_file(r"C:\work\data\photo.bin", "data[复件]", PureWindowsPath) is None


def test_stack_frames_with_windows_paths_are_told_apart():
    from grader.trace import Frame, file_name
    ours = Frame(r"C:\Temp\procgrade-run-1\program\instrument\sitecustomize.py", 40, "emit")
    theirs = Frame(r"C:\Temp\procgrade-run-1\program\ex05_queue.py", 30, "read")
    library = Frame(r"C:\Python313\Lib\multiprocessing\queues.py", 103, "get")
    assert ours.in_instrumentation and not theirs.in_instrumentation and not library.in_instrumentation
    assert theirs.in_program("ex05_queue.py") and not ours.in_program("sitecustomize.py")
    assert file_name(library.path) == "queues.py"


# --- GitHub Actions: the kit's matrix and the platform templates, against the workflow schema ------

WORKFLOWS = sorted([*(KIT / ".github" / "workflows").glob("*.yml"), *(KIT / "platforms" / "github-actions").glob("*.yml"),
                    *(KIT / "platforms" / "github-classroom").glob("*.yml")])


def validate_workflows(*files: Path) -> subprocess.CompletedProcess:
    """check-jsonschema with its copy of SchemaStore's github-workflow schema (no network)."""
    return subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows",
                           *map(str, files)], capture_output=True, text=True, timeout=120)


def test_the_workflows_are_valid_github_actions_workflows():
    assert any(p.parent.name == "workflows" for p in WORKFLOWS) and any(p.parent.name == "github-actions" for p in WORKFLOWS)
    done = validate_workflows(*WORKFLOWS)
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_broken_workflow_is_caught_by_the_schema(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text('name: x\n"on": push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      run: nox -s tests\n',
                      encoding="utf-8")
    assert validate_workflows(broken).returncode != 0


def test_the_matrix_runs_the_readme_test_command_on_every_os_and_python():
    import yaml
    workflow = yaml.safe_load((KIT / ".github" / "workflows" / "tests.yml").read_text(encoding="utf-8"))
    (job,) = workflow["jobs"].values()
    matrix = job["strategy"]["matrix"]
    assert {os_.split("-")[0] for os_ in matrix["os"]} == {"ubuntu", "macos", "windows"}
    assert set(matrix["python"]) == {"3.9", "3.13"}
    assert job["strategy"]["fail-fast"] is False
    assert [s["run"] for s in job["steps"] if "run" in s][-1] == "nox -s tests"   # the README's command


@pytest.mark.skipif(os.name == "nt", reason="a shell script stands in for a Python without venv")
def test_a_python_without_venv_is_told_what_to_install(tmp_path, monkeypatch, capsys):
    """Debian's python3 without the python3-venv package: `python3 -m venv` fails (no ensurepip)."""
    fake = tmp_path / "python3"
    fake.write_text("#!/bin/sh\necho 'The virtual environment was not created successfully because ensurepip is "
                    "not available.'\nexit 1\n", encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setattr(kit.sys, "executable", str(fake))
    monkeypatch.setattr(kit.sys, "platform", "linux")
    with pytest.raises(SystemExit) as stopped:
        kit.make_bootstrap(tmp_path / "bootstrap")
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert "ensurepip is not available" in err and "sudo apt install python3-venv" in err, err
