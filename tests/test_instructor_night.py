"""The instructor's night (issue 13), each item shown with the real command: a run stopped by
SIGINT (Ctrl+C on the process group) or SIGTERM (what nox sends) keeps what was graded, leaves the
previous output and no temporary folder behind, and `--resume` ends with the same files as one
full run; a grades.csv edited by hand is not overwritten without --force; every entry of the class
folder is a row (tar archives, near-miss file names, two entries with one id, rejected entries);
two shards merged give the bytes of one run; the GitHub Actions example and the Gradescope set-up.
"""

from __future__ import annotations

import ast
import csv
import hashlib
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from pathlib import Path

import pytest

from graded import KIT

sys.path.insert(0, str(KIT))
from grader.instructor import Shard, partial_of  # noqa: E402
from grader.machine import cgroup_cpu_quota, cpus_within  # noqa: E402

SOLUTIONS = KIT / "solutions"
PID, ARGS, LOOPS = "ex02_pid.py", "ex03_process_args.py", "ex01_two_loops.py"


def grade(*args: str, tmp: Path, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "grader", "grade", *args, "--jobs", "2"], cwd=KIT,
                          capture_output=True, text=True, timeout=timeout, env=env_with_tmp(tmp))


def env_with_tmp(tmp: Path) -> dict[str, str]:
    """A private TMPDIR, so that the test sees the grader's temporary folders and no one else's."""
    return dict(os.environ, TMPDIR=str(tmp))


def private_tmp() -> Path:
    """A folder under the session's TMPDIR (reachable, like it, by the runs' own user ids: a
    pytest tmp_path, mode 0700, is not)."""
    tmp = Path(tempfile.mkdtemp(prefix="procgrade-night-"))
    tmp.chmod(0o755)
    return tmp


def digests(root: Path, skip: tuple[str, ...] = ()) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and p.name not in skip}


def rows(out: Path) -> dict[str, dict[str, str]]:
    with open(out / "grades.csv", encoding="utf-8", newline="") as handle:
        return {row["id"]: row for row in csv.DictReader(handle)}


# --- nothing lost -------------------------------------------------------------------------------------

CLASS_SIZE = 10
INTERRUPT_EXERCISES = ("ex01", "ex02", "ex03")


@pytest.fixture(scope="module")
def long_class(tmp_path_factory):
    """A class that takes a while (ten students, three exercises each), graded once in full."""
    root = tmp_path_factory.mktemp("night")
    subs = root / "submissions"
    for n in range(CLASS_SIZE):
        folder = subs / ("学生%02d" % n if n % 3 == 0 else "student%02d" % n)
        folder.mkdir(parents=True)
        for name in (LOOPS, PID, ARGS):
            shutil.copyfile(SOLUTIONS / name, folder / name)
    proc = grade(str(subs), *INTERRUPT_EXERCISES, "--out", str(root / "full"), tmp=private_tmp())
    assert proc.returncode == 0, proc.stderr
    return root


def _wait_for_graded(building: Path, at_least: int, proc: subprocess.Popen, limit: float = 300) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and proc.poll() is None:
        if len(list((building / "students").glob("*.json"))) >= at_least:
            return
        time.sleep(0.05)
    raise AssertionError("the run ended or stalled before %d submissions were graded" % at_least)


@pytest.mark.linux_only   # a process group's SIGINT, os.killpg, SIGKILL: none of them on Windows
@pytest.mark.parametrize("how", ["SIGINT to the process group", "SIGTERM to the grader"])
def test_an_interrupted_run_keeps_what_it_graded_and_resume_finishes_it(long_class, how):
    root = long_class
    subs, out, tmp = root / "submissions", root / ("out-" + how.split()[0]), private_tmp()
    shutil.copytree(root / "full", out)          # the previous output of the class
    before = digests(out)
    proc = subprocess.Popen([sys.executable, "-m", "grader", "grade", str(subs), *INTERRUPT_EXERCISES,
                             "--out", str(out), "--jobs", "2", "--force"], cwd=KIT, env=env_with_tmp(tmp),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        _wait_for_graded(partial_of(out), 2, proc)
        if how.startswith("SIGINT"):
            os.killpg(proc.pid, signal.SIGINT)       # what Ctrl+C in a terminal does
        else:
            proc.send_signal(signal.SIGTERM)         # what nox sends after its own Ctrl+C
        _, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == 2, stderr
    graded = len(list((partial_of(out) / "students").glob("*.json")))
    assert 2 <= graded < CLASS_SIZE, stderr
    assert stderr.rstrip().endswith("interrupted: %d of %d graded — run again with --resume to finish"
                                    % (graded, CLASS_SIZE)), stderr
    assert "could not run its suites" not in stderr
    assert digests(out) == before                                    # the previous output: intact
    assert not list(tmp.iterdir()), list(tmp.iterdir())              # no temporary folder left

    again = grade(str(subs), *INTERRUPT_EXERCISES, "--out", str(out), "--resume", tmp=tmp)
    assert again.returncode == 0, again.stderr
    assert "resuming: %d of %d already graded, grading the other %d" % (graded, CLASS_SIZE, CLASS_SIZE - graded) \
        in again.stderr
    assert digests(out, skip=("junit.xml",)) == digests(root / "full", skip=("junit.xml",))
    assert not partial_of(out).exists() and not list(tmp.iterdir())
    import xml.etree.ElementTree as ET
    cases = [(c.get("classname"), c.get("name")) for c in ET.parse(out / "junit.xml").iter("testcase")]
    assert len(cases) == len(set(cases)) == len(list(ET.parse(root / "full" / "junit.xml").iter("testcase")))


def test_a_second_run_does_not_throw_away_an_interrupted_one(tmp_path):
    tmp = private_tmp()
    subs = tmp_path / "subs"
    (subs / "ada").mkdir(parents=True)
    shutil.copyfile(SOLUTIONS / PID, subs / "ada" / PID)
    out = tmp_path / "out"
    (partial_of(out) / "students").mkdir(parents=True)
    proc = grade(str(subs), "ex02", "--out", str(out), tmp=tmp)
    assert proc.returncode == 2
    assert "an interrupted run left 0 graded submissions in %s: run again with --resume" % partial_of(out) \
        in proc.stderr
    assert grade(str(subs), "ex02", "--out", str(out), "--force", tmp=tmp).returncode == 0
    assert not partial_of(out).exists() and rows(out)["ada"]["status"] == "graded"


def test_a_hand_edited_grades_csv_is_kept_unless_forced(tmp_path):
    tmp = private_tmp()
    subs = tmp_path / "subs"
    (subs / "ada").mkdir(parents=True)
    shutil.copyfile(SOLUTIONS / PID, subs / "ada" / PID)
    out = tmp_path / "out"
    assert grade(str(subs), "ex02", "--out", str(out), tmp=tmp).returncode == 0
    edited = (out / "grades.csv").read_text(encoding="utf-8").replace(",graded,", ",graded,late: -2 points")
    (out / "grades.csv").write_text(edited, encoding="utf-8")
    proc = grade(str(subs), "ex02", "--out", str(out), tmp=tmp)
    assert proc.returncode == 2
    assert proc.stderr.strip() == ("%s was changed since the grader wrote it (by hand?); a new run would overwrite "
                                   "it. Keep a copy of your changes, then run again with --force to replace it."
                                   % (out / "grades.csv"))
    assert (out / "grades.csv").read_text(encoding="utf-8") == edited
    assert grade(str(subs), "ex02", "--out", str(out), "--force", tmp=tmp).returncode == 0
    assert "late" not in (out / "grades.csv").read_text(encoding="utf-8")
    assert grade(str(subs), "ex02", "--out", str(out), tmp=tmp).returncode == 0   # ours again


# --- every entry a row --------------------------------------------------------------------------------

def _tar(path: Path, files: dict[str, bytes], mode: str) -> None:
    with tarfile.open(path, mode) as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))


@pytest.fixture(scope="module")
def odd_class(tmp_path_factory):
    root = tmp_path_factory.mktemp("odd")
    subs = root / "subs"
    subs.mkdir()
    good = (SOLUTIONS / PID).read_bytes()
    (subs / "ada").mkdir()
    (subs / "ada" / PID).write_bytes(good)
    _tar(subs / "leo.tar.gz", {"leo-main/exercises/" + PID: good, "leo-main/README.md": b"hi"}, "w:gz")
    _tar(subs / "mia.tgz", {PID: good}, "w:gz")
    _tar(subs / "ned.tar", {PID: good}, "w")
    _tar(subs / "evil.tar.gz", {"../../escaped.py": b"print('out')", PID: good}, "w:gz")
    (subs / "broken.tgz").write_bytes(b"\x1f\x8b this is not gzip")
    (subs / "kim").mkdir()
    (subs / "kim" / "ex02_pid (1).py").write_bytes(good)              # a browser's duplicate name
    with zipfile.ZipFile(subs / "kim.zip", "w") as archive:            # and the same student again
        archive.writestr(PID, good)
    (subs / "pat").mkdir()
    (subs / "pat" / "EX02_PID.py").write_bytes(good)                   # another case
    (subs / "quinn").mkdir()
    (subs / "quinn" / "pid.py").write_bytes(good)                      # no exNN_ prefix
    (subs / "oz").mkdir()
    (subs / "oz" / "ex02_pid (1).py").write_bytes(good)                # two near misses: which one?
    (subs / "oz" / "ex02_pid - 副本.py").write_bytes(good)
    (subs / "homework.rar").write_bytes(b"Rar!\x1a\x07\x00")
    (subs / "ex02_pid.py").write_bytes(good)                           # a loose file
    (subs / ".DS_Store").write_bytes(b"junk")
    proc = grade(str(subs), "ex02", "--out", str(root / "out"), tmp=private_tmp())
    return dict(root=root, out=root / "out", proc=proc)


def test_every_entry_is_a_row(odd_class):
    proc, got = odd_class["proc"], rows(odd_class["out"])
    assert proc.returncode == 1, proc.stderr                           # graded, with rejections
    assert sorted(got) == sorted(["ada", "leo", "mia", "ned", "evil", "broken", "kim", "kim-2", "pat", "quinn",
                                  "oz", "homework.rar", "ex02_pid.py"])
    top = got["ada"]["max"]
    for sid in ("ada", "leo", "mia", "ned", "kim", "kim-2", "pat", "quinn"):
        assert (got[sid]["ex02"], got[sid]["status"]) == (top, "graded"), sid
    assert got["evil"]["status"] == "rejected"
    assert got["evil"]["note"] == "the tar archive holds a path that leaves its folder: '../../escaped.py'"
    assert got["broken"]["status"] == "rejected" and got["broken"]["note"].startswith("not a readable tar archive")
    assert got["homework.rar"]["note"] == "a .rar file is not a folder, a .zip, a .tar or a .tar.gz: hand in one of those"
    assert got["ex02_pid.py"]["status"] == "rejected"
    assert not (odd_class["root"] / "escaped.py").exists()


def test_near_miss_names_are_graded_with_a_note_that_names_the_file(odd_class):
    got = rows(odd_class["out"])
    assert ("ex02_pid.py: graded ex02_pid (1).py, whose name is not the exercise's file name "
            "(rename it ex02_pid.py)") in got["kim"]["note"]
    assert "ex02_pid.py: graded EX02_PID.py" in got["pat"]["note"]
    assert "ex02_pid.py: graded pid.py" in got["quinn"]["note"]
    assert (got["oz"]["ex02"], got["oz"]["status"]) == ("0", "empty")
    assert got["oz"]["note"] == ("no exercise file found; ex02_pid.py: not graded: ex02_pid (1).py, "
                                 "ex02_pid - 副本.py could each be it; keep one and name it ex02_pid.py")


def test_two_entries_with_one_id_are_both_flagged(odd_class):
    got = rows(odd_class["out"])
    clash = "2 entries make the id kim: kim (id kim), kim.zip (id kim-2); keep the right one"
    assert got["kim"]["note"].startswith(clash) and got["kim-2"]["note"] == clash
    assert "kim.zip: " + clash in odd_class["proc"].stderr


def test_a_rejected_students_json_says_why_once(odd_class):
    text = (odd_class["out"] / "students" / "homework.rar.json").read_text(encoding="utf-8")
    data = json.loads(text)
    assert data["status"] == "rejected" and data["score"] == 0 and data["max_score"] > 0
    assert text.count("is not a folder, a .zip") == 1
    assert "no such file" not in text
    results = json.loads((odd_class["out"] / "gradescope" / "homework.rar" / "results.json").read_text(encoding="utf-8"))
    assert json.dumps(results, ensure_ascii=False).count("is not a folder, a .zip") == 1


def test_junit_has_no_temporary_paths_and_a_missing_file_is_a_failure(odd_class):
    import xml.etree.ElementTree as ET
    text = (odd_class["out"] / "junit.xml").read_text(encoding="utf-8")
    assert "procgrade-grade-" not in text and "procgrade-run-" not in text and str(odd_class["root"]) not in text
    oz = [c for c in ET.parse(odd_class["out"] / "junit.xml").iter("testcase") if "[oz-spawn]" in c.get("name")]
    assert oz and all(c.find("error") is None for c in oz)
    failures = [c.find("failure") for c in oz if c.find("failure") is not None]
    assert failures and "there is no such file" in failures[0].get("message")


# --- across machines ----------------------------------------------------------------------------------

def test_shards_split_a_class_by_id_alone():
    ids = ["ada", "bert", "学生03", "kim-2", "Zoë_Müller_late"] + ["s%d" % n for n in range(40)]
    for count in (1, 2, 3, 5):
        owners = [[k for k in range(1, count + 1) if Shard(k, count).holds(sid)] for sid in ids]
        assert all(len(o) == 1 for o in owners), count
    assert Shard.parse(" 2/3 ") == Shard(2, 3)
    for bad in ("0/2", "3/2", "2", "a/b"):
        with pytest.raises(ValueError, match="K/N"):
            Shard.parse(bad)


def test_two_shards_merged_equal_one_run(long_class, tmp_path):
    subs, full = long_class / "submissions", long_class / "full"
    tmp = private_tmp()
    outs = []
    for k in (1, 2):
        out = tmp_path / ("shard%d" % k)
        proc = grade(str(subs), *INTERRUPT_EXERCISES, "--shard", "%d/2" % k, "--out", str(out), tmp=tmp)
        assert proc.returncode == 0, proc.stderr
        outs.append(out)
    assert 0 < len(rows(outs[0])) < CLASS_SIZE and len(rows(outs[0])) + len(rows(outs[1])) == CLASS_SIZE
    merge = [sys.executable, "-m", "grader", "merge", *map(str, outs), "--out", str(tmp_path / "all")]
    proc = subprocess.run(merge, cwd=KIT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    merged_csv = (tmp_path / "all" / "grades.csv").read_text(encoding="utf-8")
    full_csv = (full / "grades.csv").read_text(encoding="utf-8")
    assert merged_csv == full_csv, "\n".join(["grades.csv differs:"] + sorted(
        set(merged_csv.splitlines()) ^ set(full_csv.splitlines())))
    assert digests(tmp_path / "all", skip=("junit.xml",)) == digests(full, skip=("junit.xml",))
    clash = subprocess.run([sys.executable, "-m", "grader", "merge", str(outs[0]), str(outs[0]), "--out",
                            str(tmp_path / "twice")], cwd=KIT, capture_output=True, text=True, timeout=120)
    assert clash.returncode == 2 and "is in both" in clash.stderr and not (tmp_path / "twice").exists()


# A compact schema of a GitHub Actions workflow, for the keys the example uses and their types
# (after GitHub's own "Workflow syntax" reference): anything misspelt or misplaced fails.
STEP = {"type": "object", "additionalProperties": False,
        "properties": {"name": {"type": "string"}, "id": {"type": "string"}, "uses": {"type": "string"},
                       "run": {"type": "string"}, "with": {"type": "object"}, "env": {"type": "object"},
                       "if": {"type": "string"}, "working-directory": {"type": "string"},
                       "shell": {"type": "string"}, "continue-on-error": {"type": "boolean"},
                       "timeout-minutes": {"type": "number"}},
        "oneOf": [{"required": ["uses"]}, {"required": ["run"]}]}
JOB = {"type": "object", "additionalProperties": False, "required": ["runs-on", "steps"],
       "properties": {"runs-on": {"type": "string"}, "needs": {"type": ["string", "array"]},
                      "if": {"type": "string"}, "timeout-minutes": {"type": "number"},
                      "permissions": {"type": "object"}, "env": {"type": "object"},
                      "strategy": {"type": "object", "additionalProperties": False,
                                   "properties": {"fail-fast": {"type": "boolean"},
                                                  "max-parallel": {"type": "number"},
                                                  "matrix": {"type": "object"}}},
                      "steps": {"type": "array", "minItems": 1, "items": STEP}}}
WORKFLOW_SCHEMA = {"$schema": "http://json-schema.org/draft-07/schema#", "type": "object",
                   "additionalProperties": False, "required": ["on", "jobs"],
                   "properties": {"name": {"type": "string"}, "on": {"type": ["object", "array", "string"]},
                                  "permissions": {"type": "object"}, "env": {"type": "object"},
                                  "jobs": {"type": "object", "additionalProperties": JOB}}}


def test_the_github_actions_example_grades_in_a_matrix_and_merges():
    import jsonschema
    import yaml
    from grader.__main__ import parser
    workflow = yaml.safe_load((KIT / "platforms" / "github-actions" / "grade-class.yml").read_text(encoding="utf-8"))
    jsonschema.validate(workflow, WORKFLOW_SCHEMA)
    grade_job, merge_job = workflow["jobs"]["grade"], workflow["jobs"]["merge"]
    shards = grade_job["strategy"]["matrix"]["shard"]
    assert shards == list(range(1, int(workflow["env"]["SHARDS"]) + 1))
    assert merge_job["needs"] == "grade"
    (grading,) = [s for s in grade_job["steps"] if "nox -s grade" in s.get("run", "")]
    command = grading["run"].replace("${{ matrix.shard }}", "1").replace("${{ env.SHARDS }}", str(len(shards)))
    command = command.replace("${{ inputs.submissions }}", "submissions").replace('"', "")
    args = parser().parse_args(["grade", *command.split("--", 1)[1].split()])
    assert (args.command, Shard.parse(args.shard), args.out) == ("grade", Shard(1, len(shards)), "grades-1")
    uploads = [s for s in grade_job["steps"] if "upload-artifact" in s.get("uses", "")]
    assert uploads[0]["with"]["name"] == "grades-${{ matrix.shard }}"
    assert uploads[0]["with"]["include-hidden-files"] is True      # the marker and manifest go along
    (download,) = [s for s in merge_job["steps"] if "download-artifact" in s.get("uses", "")]
    assert download["with"]["pattern"] == "grades-*"
    (joining,) = [s for s in merge_job["steps"] if "nox -s merge" in s.get("run", "")]
    merged = parser().parse_args(["merge", *joining["run"].split("--", 1)[1].split()])
    assert merged.outputs == [download["with"]["path"] + "/grades-*"]
    noxfile = (KIT / "noxfile.py").read_text(encoding="utf-8")
    assert "def merge(session" in noxfile


# --- Gradescope and nox -------------------------------------------------------------------------------

def test_setup_sh_updates_apt_and_installs_the_tested_versions():
    setup = (KIT / "platforms" / "gradescope" / "setup.sh").read_text(encoding="utf-8")
    commands = [line.strip() for line in setup.splitlines() if line.strip() and not line.startswith("#")]
    update = commands.index("apt-get update")
    assert update < min(n for n, c in enumerate(commands) if c.startswith("apt-get install"))
    assert any("-r" in c and "-c \"$SOURCE/constraints.txt\"" in c for c in commands)
    from grader.platforms import bundle_files, dependencies
    pins = {}
    for line in bundle_files()["constraints.txt"][0].decode().splitlines():
        if line and not line.startswith("#"):
            name, version = line.split("==")
            pins[name.lower()] = version
    for requirement in dependencies():
        name = requirement.split(">")[0].split("=")[0].split("<")[0].strip().lower()
        assert name in pins, requirement


def test_jobs_follow_the_cpus_the_process_may_use(tmp_path):
    assert cpus_within(8, 0.5) == 1 and cpus_within(8, 2.5) == 3 and cpus_within(2, 4.0) == 2
    assert cpus_within(4, None) == 4
    (tmp_path / "cpu.max").write_text("50000 100000\n")
    assert cgroup_cpu_quota(tmp_path / "cpu.max", ()) == 0.5
    (tmp_path / "cpu.max").write_text("max 100000\n")
    assert cgroup_cpu_quota(tmp_path / "cpu.max", ()) is None
    v1 = tmp_path / "v1"
    v1.mkdir()
    (v1 / "cpu.cfs_quota_us").write_text("150000\n")
    (v1 / "cpu.cfs_period_us").write_text("100000\n")
    assert cgroup_cpu_quota(tmp_path / "none", (v1 / "cpu.cfs_quota_us",)) == 1.5


def test_nox_does_not_call_a_graded_run_with_rejections_failed():
    tree = ast.parse((KIT / "noxfile.py").read_text(encoding="utf-8"))
    values = {t.id: ast.literal_eval(node.value) for node in tree.body if isinstance(node, ast.Assign)
              for t in node.targets if isinstance(t, ast.Name) and isinstance(node.value, (ast.List, ast.Constant))}
    (function,) = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "grade"]
    (call,) = [n for n in ast.walk(function) if isinstance(n, ast.Call) and getattr(n.func, "attr", "") == "run"]
    keywords = {k.arg: k.value for k in call.keywords}
    assert values[keywords["success_codes"].id] == [0, 1]
    assert values[keywords["interrupt_timeout"].id] >= 10     # time to stop the runs and clean up


def test_the_readme_documents_exit_codes_and_the_gradescope_total():
    from grader.platforms import assignment_total
    readme = (KIT / "README.md").read_text(encoding="utf-8")
    assert "`0`: every submission graded" in readme and "`1`:" in readme and "`2`:" in readme
    assert "total points" in readme and str(assignment_total()) in readme
