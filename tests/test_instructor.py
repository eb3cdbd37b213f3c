"""Instructor grading, end to end: a generated class (solutions, stubs, known-wrong programs, zips,
a hang, a crash, a tampering program, a submission full of decoys, a corrupt and an escaping zip)
graded with the real command, twice; every grade checked value by value against what the suites
declare; the two runs compared byte for byte. Then the Gradescope bundle run against a fake
/autograder root, and the GitHub Classroom workflow and command.

Only exercises 1-4 are graded here, to keep CI short; bench/grade_class.py grades a full class.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import json
import os
import shutil
import subprocess
import sys
import warnings
import zipfile
from pathlib import Path

import pytest

from graded import KIT

sys.path.insert(0, str(KIT))
from bench.make_class import (CRASH, DECOYS, HANG, TAMPER_PREFIX, Student, check_grades,  # noqa: E402
                              expected_score, fails_line, max_score, solution, stub)
from grader.exercises import select  # noqa: E402
from grader.submissions import (BadInput, MAX_FILE_BYTES, choose, find, student_id, take_in,  # noqa: E402
                                unique_ids)

EXERCISES = ("ex01", "ex02", "ex03", "ex04")
with warnings.catch_warnings():   # outside the grader's session, its `check` mark is unregistered
    warnings.simplefilter("ignore")
    E = {e.id: e for e in select(list(EXERCISES))}
PROGRAMS = KIT / "tests" / "programs"
WRONG = {"ex02": "bad_getppid", "ex03": "bad_args_swapped", "ex04": "bad_manager_list"}


def grade_command(*args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "grader", "grade", *args, "--jobs", "2"], cwd=KIT,
                          capture_output=True, text=True, timeout=timeout)


def tree_digest(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir"
            for p in sorted(root.rglob("*"))}


def temp_entries() -> set[str]:
    return {p.name for p in Path(os.environ.get("TMPDIR", "/tmp")).glob("procgrade-*")}


# --- the class --------------------------------------------------------------------------------------

def build_class(dest: Path) -> dict:
    """The class and its answer key (bench/make_class.py's format)."""
    dest.mkdir()
    students = []

    def full(name: str, layout: str) -> Student:
        s = Student(name, layout)
        for e in E.values():
            s.put(e, *solution(e))
        return s

    students.append(full("ada", "flat"))
    students.append(full("bert", "zip"))                 # a zip with a wrapping folder
    cora = Student("cora", "nested")
    for e in E.values():
        cora.put(e, *stub(e))
    students.append(cora)
    dan = Student("dan", "nested")                       # one known-wrong program per exercise
    dan.put(E["ex01"], *solution(E["ex01"]))
    for ex, program in WRONG.items():
        path = PROGRAMS / ex / (program + ".py")
        dan.put(E[ex], path.read_bytes(), {"kind": program, "failing": sorted(fails_line(path)),
                                           "score": expected_score(E[ex], fails_line(path))})
    students.append(dan)
    eli = Student("eli", "zip-flat")                     # two exercises handed in, two missing
    for ex in ("ex01", "ex02"):
        eli.put(E[ex], *solution(E[ex]))
    for ex in ("ex03", "ex04"):
        eli.missing(E[ex])
    students.append(eli)
    finn = full("finn", "flat")
    finn.put(E["ex02"], HANG.encode(), {"kind": "hang", "state": "failing", "fails_at_least": ["ends_cleanly"],
                                        "below": max_score(E["ex02"])})
    students.append(finn)
    gus = full("gus", "nested")
    gus.put(E["ex03"], CRASH.encode(), {"kind": "crash", "state": "did not start",
                                        "fails_at_least": ["no_process_crashed"], "below": max_score(E["ex03"])})
    students.append(gus)
    hal = full("hal", "flat")
    source, expect = solution(E["ex04"])
    hal.put(E["ex04"], TAMPER_PREFIX.encode() + source, dict(expect, kind="tamper"))
    students.append(hal)
    ivy = Student("ivy", "nested")                       # stubs, and every decoy beside them
    for e in E.values():
        ivy.put(e, *stub(e))
        ivy.files["solutions/" + e.file] = (KIT / "solutions" / e.file).read_bytes()
        ivy.files[e.file] = (KIT / "solutions" / e.file).read_bytes()   # flat too: exercises/ wins
    for rel, text in DECOYS.items():
        ivy.files[rel] = text.encode()
    students.append(ivy)
    zoe = full("Zoë Müller (late)", "flat")              # a name that is not a file name as it is
    students.append(zoe)

    key = {"students": {}}
    for s in students:
        s.write(dest)
        key["students"][student_id(s.name)] = {"entry": s.name, "exercises": s.key}
    for sid in ("jo", "kim"):                            # rejected: graded as nothing submitted
        key["students"][sid] = {"entry": sid + ".zip", "exercises": {
            ex: {"kind": "rejected", "state": "not submitted", "score": 0} for ex in EXERCISES}}
    (dest / "jo.zip").write_bytes(b"PK\x03\x04 this is not a zip")
    with zipfile.ZipFile(dest / "kim.zip", "w") as archive:
        archive.writestr("ex01_two_loops.py", "print('hi')\n")
        archive.writestr("../../../tmp/escaped.py", "print('out')\n")
    (dest / "notes.txt").write_text("not a submission\n")   # every entry a row: rejected, with the reason
    key["students"]["notes.txt"] = {"entry": "notes.txt", "exercises": {
        ex: {"kind": "rejected", "state": "not submitted", "score": 0} for ex in EXERCISES}}
    return key


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    """The class graded twice (two output folders); what was around it before and after."""
    root = tmp_path_factory.mktemp("class")
    key = build_class(root / "submissions")
    before, temp_before = tree_digest(root / "submissions"), temp_entries()
    runs = []
    for n in (1, 2):
        proc = grade_command(str(root / "submissions"), *EXERCISES, "--out", str(root / ("out%d" % n)))
        runs.append(proc)
    return dict(root=root, key=key, runs=runs, before=before, after=tree_digest(root / "submissions"),
                temp_before=temp_before, temp_after=temp_entries())


def read_csv(path: Path) -> dict[str, dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return {row["id"]: row for row in csv.DictReader(handle)}


def test_rejected_submissions_give_exit_1_and_a_clear_message(graded_class):
    proc = graded_class["runs"][0]
    assert proc.returncode == 1, proc.stderr
    assert "rejected jo.zip: not a readable zip" in proc.stderr
    assert "rejected kim.zip: the zip holds a path that leaves its folder: '../../../tmp/escaped.py'" in proc.stderr
    assert "rejected notes.txt: a .txt file is not a folder, a .zip, a .tar or a .tar.gz" in proc.stderr
    assert "13/13 submissions" in proc.stderr          # the progress display's last line
    assert not (Path("/tmp") / "escaped.py").exists()


def test_every_grade_matches_the_answer_key(graded_class):
    problems = check_grades(graded_class["root"] / "out1", graded_class["key"])
    assert not problems, "\n".join(problems)


def test_grades_csv_value_by_value(graded_class):
    rows = read_csv(graded_class["root"] / "out1" / "grades.csv")
    top = {ex: max_score(E[ex]) for ex in EXERCISES}
    full = [str(top[ex]) for ex in EXERCISES]
    total = sum(top.values())
    assert list(rows) == sorted(rows)                      # one row per submission, by id
    assert list(rows["ada"].keys()) == ["id", *EXERCISES, "total", "max", "status", "note"]

    def row(sid):
        r = rows[sid]
        return [r[ex] for ex in EXERCISES] + [r["total"], r["max"], r["status"]]

    for sid in ("ada", "bert", "hal", "Zoë_Müller_late"):
        assert row(sid) == full + [str(total), str(total), "graded"], sid
    assert row("cora") == ["0"] * 4 + ["0", str(total), "graded"]
    assert row("ivy") == ["0"] * 4 + ["0", str(total), "graded"]      # decoys change nothing
    dan = [str(top["ex01"])] + [str(expected_score(E[ex], fails_line(PROGRAMS / ex / (p + ".py"))))
                                for ex, p in WRONG.items()]
    assert row("dan") == dan + [str(sum(map(int, dan))), str(total), "graded"]
    assert row("eli") == [full[0], full[1], "0", "0", str(top["ex01"] + top["ex02"]), str(total), "incomplete"]
    assert rows["eli"]["note"] == "not submitted: ex03, ex04"
    for sid, ex in (("finn", "ex02"), ("gus", "ex03")):   # a hang, a crash: that exercise only
        others = [rows[sid][e] for e in EXERCISES if e != ex]
        assert others == [str(top[e]) for e in EXERCISES if e != ex], sid
        assert int(rows[sid][ex]) < top[ex]
    for sid in ("jo", "kim", "notes.txt"):
        assert row(sid) == ["0"] * 4 + ["0", str(total), "rejected"]
    assert rows["jo"]["note"].startswith("not a readable zip")


def test_student_json_holds_every_check(graded_class):
    out = graded_class["root"] / "out1"
    dan = json.loads((out / "students" / "dan.json").read_text(encoding="utf-8"))
    assert (dan["id"], dan["source"], dan["status"]) == ("dan", "dan", "graded")
    (ex02,) = [e for e in dan["exercises"] if e["exercise"] == "ex02"]
    checks = {c["check"]: c for c in ex02["checks"]}
    failed = checks["child_prints_its_pid"]
    assert failed["status"] == "failed" and failed["points"] == 0 and failed["max_points"] == 1
    assert failed["expected"] and failed["observed"] and failed["hint"]
    assert "pid #" in failed["observed"]                   # pids are numbered, not the run's own
    assert checks["child_parent_is_main"]["status"] == "skipped"
    assert all(set(c) >= {"exercise", "check", "title", "status", "points", "max_points", "expected",
                          "observed", "hint"} for e in dan["exercises"] for c in e["checks"])
    zoe = json.loads((out / "students" / "Zoë_Müller_late.json").read_text(encoding="utf-8"))
    assert zoe["source"] == "Zoë Müller (late)" and zoe["score"] == zoe["max_score"]
    ivy = json.loads((out / "students" / "ivy.json").read_text(encoding="utf-8"))
    assert ivy["files"] == [E[ex].file for ex in EXERCISES]
    assert all(e["state"] == "not started" for e in ivy["exercises"])


def test_the_same_class_gives_the_same_bytes(graded_class):
    one, two = graded_class["root"] / "out1", graded_class["root"] / "out2"
    names = sorted(p.relative_to(one).as_posix() for p in one.rglob("*") if p.is_file())
    assert names == sorted(p.relative_to(two).as_posix() for p in two.rglob("*") if p.is_file())
    differ = [n for n in names if n != "junit.xml" and (one / n).read_bytes() != (two / n).read_bytes()]
    assert not differ, differ
    assert graded_class["runs"][1].returncode == 1


def test_junit_xml_is_pytests_own_and_names_each_submission(graded_class):
    import xml.etree.ElementTree as ET
    tree = ET.parse(graded_class["root"] / "out1" / "junit.xml")
    names = [case.get("name") for case in tree.iter("testcase")]
    assert any("[ada-spawn]" in n for n in names) and any("[dan-spawn]" in n for n in names)


def test_nothing_is_written_outside_the_output_folder_and_temp(graded_class):
    assert graded_class["after"] == graded_class["before"]              # the submissions: untouched
    assert graded_class["temp_after"] <= graded_class["temp_before"]     # temporary folders: removed
    root = graded_class["root"]
    assert sorted(p.name for p in root.iterdir()) == ["out1", "out2", "submissions"]
    out = root / "out1"
    assert sorted(p.name for p in out.iterdir()) == [".procgrade-grades", ".procgrade-run.json", "grades.csv",
                                                      "gradescope", "junit.xml", "students"]
    assert not [p for p in out.rglob("*") if p.name in ("conftest.py", "pytest.ini", "sitecustomize.py")]
    assert not [p for p in out.rglob("*.json") if '"score": 999' in p.read_text(encoding="utf-8")]


# --- bad input ----------------------------------------------------------------------------------

@pytest.mark.parametrize("case,message", [
    ("missing", "no such folder"),
    ("empty", "holds no submissions"),
    ("not ours", "was not made by procgrade"),
    ("inside", "is inside the submissions folder"),
    ("around", "is inside the output folder"),
])
def test_bad_input_gets_a_clear_message_and_exit_2(tmp_path, case, message):
    subs = tmp_path / "subs"
    out = tmp_path / "out"
    if case != "missing":
        subs.mkdir()
    if case in ("not ours", "inside", "around"):
        shutil.copytree(KIT / "solutions", subs / "ada")
    if case == "not ours":
        out.mkdir()
        (out / "thesis.tex").write_text("precious")
    if case == "inside":
        out = subs / "grades"
    if case == "around":
        out = tmp_path
    proc = grade_command(str(subs), "--out", str(out), timeout=120)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert message in proc.stderr
    if case == "not ours":
        assert [p.name for p in out.iterdir()] == ["thesis.tex"]


def test_an_earlier_output_folder_of_ours_is_replaced(tmp_path):
    subs = tmp_path / "subs"
    (subs / "ada").mkdir(parents=True)
    shutil.copyfile(KIT / "solutions" / E["ex02"].file, subs / "ada" / E["ex02"].file)
    for _ in range(2):
        proc = grade_command(str(subs), "ex02", timeout=120)
        assert proc.returncode == 0, proc.stderr
    out = tmp_path / "subs-grades"                           # the default: next to the submissions
    assert read_csv(out / "grades.csv")["ada"]["ex02"] == str(max_score(E["ex02"]))


def test_the_instructors_files_carry_no_timed_notes(tmp_path):
    """The copier's speed note (timed, so it differs from run to run) is for the learner's check
    only: a student's JSON stays the same when the class is graded again."""
    subs = tmp_path / "subs"
    (subs / "ada").mkdir(parents=True)
    (copier,) = select(["ex07"])
    shutil.copyfile(KIT / "solutions" / copier.file, subs / "ada" / copier.file)
    proc = grade_command(str(subs), "ex07", "--out", str(tmp_path / "out"), timeout=120)
    assert proc.returncode == 0, proc.stderr
    report = json.loads((tmp_path / "out" / "students" / "ada.json").read_text(encoding="utf-8"))
    (graded,) = report["exercises"]
    assert graded["state"] == "done" and graded["notes"] == []


# --- taking submissions in -------------------------------------------------------------------------

def test_student_ids_are_safe_file_names():
    assert student_id("Zoë Müller (late)") == "Zoë_Müller_late"
    assert student_id("../../etc") == "etc"
    assert student_id(".hidden.zip") == "hidden"
    assert student_id("***") == "submission"
    assert unique_ids(["alice", "alice.zip", "Alice!"]) == ["alice", "alice-2", "Alice"]


def test_exercises_folder_wins_and_only_exercise_names_are_taken():
    files = [E["ex01"].file, E["ex02"].file]
    chosen, notes = choose(["exercises", "exercises/" + files[0], files[0], "solutions/" + files[1],
                            "conftest.py", "grader/__init__.py"], files)
    assert chosen == {files[0]: "exercises/" + files[0]}
    assert any("solutions/" + files[1] in n for n in notes)
    chosen, _ = choose(["repo-main", "repo-main/exercises", "repo-main/exercises/" + files[1]], files)
    assert chosen == {files[1]: "repo-main/exercises/" + files[1]}


def test_zip_limits_and_links(tmp_path, monkeypatch):
    files = [E["ex01"].file]
    many = tmp_path / "many.zip"
    with zipfile.ZipFile(many, "w") as archive:
        for n in range(5):
            archive.writestr("junk%d.txt" % n, "x")
    monkeypatch.setattr("grader.submissions.MAX_ZIP_MEMBERS", 4)
    assert "more than the 4 allowed" in take_in(many, tmp_path / "a", files).problem
    absolute = tmp_path / "absolute.zip"
    with zipfile.ZipFile(absolute, "w") as archive:
        archive.writestr("/etc/" + files[0], "x")
    assert "leaves its folder" in take_in(absolute, tmp_path / "b", files).problem
    linked = tmp_path / "linked.zip"
    with zipfile.ZipFile(linked, "w") as archive:
        info = zipfile.ZipInfo(files[0])
        info.external_attr = 0o120777 << 16                # a symlink to /etc/passwd
        archive.writestr(info, "/etc/passwd")
    taken = take_in(linked, tmp_path / "c", files)
    assert not taken.rejected and taken.files == () and "not a regular file" in taken.notes[0]
    big = tmp_path / "big"
    big.mkdir()
    (big / files[0]).write_bytes(b"#" * (MAX_FILE_BYTES + 1))
    assert take_in(big, tmp_path / "d", files).files == ()


def test_a_linked_file_in_a_folder_is_not_followed(tmp_path):
    files = [E["ex01"].file]
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / files[0]).symlink_to("/etc/hostname")
    taken = take_in(sub, tmp_path / "copy", files)
    assert taken.files == () and not list((tmp_path / "copy").iterdir())


def test_find_refuses_what_is_not_a_class(tmp_path):
    with pytest.raises(BadInput, match="no such folder"):
        find(tmp_path / "nope")
    (tmp_path / "file.txt").write_text("x")
    with pytest.raises(BadInput, match="not a folder"):
        find(tmp_path / "file.txt")
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / ".DS_Store").write_text("x")
    with pytest.raises(BadInput, match="holds no submissions"):
        find(tmp_path / "empty")


# --- Gradescope ------------------------------------------------------------------------------------

# The fields of Gradescope's autograder specification (results.json), and no others.
VISIBILITY = {"enum": ["hidden", "after_due_date", "after_published", "visible"]}
FORMAT = {"enum": ["text", "html", "simple_format", "md", "ansi"]}
GRADESCOPE_SCHEMA = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "type": "object",
    "additionalProperties": False,
    "anyOf": [{"required": ["score"]}, {"required": ["tests"]}],
    "properties": {
        "score": {"type": "number"},
        "execution_time": {"type": "number"},
        "output": {"type": "string"},
        "output_format": FORMAT,
        "test_output_format": FORMAT,
        "test_name_format": FORMAT,
        "visibility": VISIBILITY,
        "stdout_visibility": VISIBILITY,
        "extra_data": {"type": "object"},
        "tests": {"type": "array", "items": {
            "type": "object",
            "additionalProperties": False,
            "required": ["score", "max_score", "name"],
            "properties": {
                "score": {"type": "number"},
                "max_score": {"type": "number"},
                "status": {"enum": ["passed", "failed"]},
                "name": {"type": "string"},
                "name_format": FORMAT,
                "number": {"type": "string"},
                "output": {"type": "string"},
                "output_format": FORMAT,
                "tags": {"type": "array", "items": {"type": "string"}},
                "visibility": VISIBILITY,
                "extra_data": {"type": "object"},
            },
        }},
        "leaderboard": {"type": "array"},
    },
}


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    path = tmp_path_factory.mktemp("dist") / "autograder.zip"
    proc = subprocess.run([sys.executable, "-m", "grader", "gradescope-bundle", "--out", str(path)], cwd=KIT,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return path


def test_bundle_holds_the_scripts_and_the_grader_but_no_solutions(bundle):
    with zipfile.ZipFile(bundle) as archive:
        names = archive.namelist()
        modes = {i.filename: (i.external_attr >> 16) & 0o777 for i in archive.infolist()}
    assert {"setup.sh", "run_autograder", "requirements.txt", "grader/__main__.py", "grader/plugin.py",
            "grader/supervisor.py", "grader/instrument/sitecustomize.py"} <= set(names)
    assert modes["setup.sh"] == modes["run_autograder"] == 0o755
    assert not [n for n in names if n.startswith(("solutions/", "exercises/", "tests/")) or "__pycache__" in n]
    for script in ("setup.sh", "run_autograder"):
        assert subprocess.run(["bash", "-n", str(KIT / "platforms" / "gradescope" / script)]).returncode == 0


def fake_autograder_root(root: Path, bundle: Path, files: dict[str, bytes]) -> Path:
    """/autograder as Gradescope lays it out: source/ (the bundle), run_autograder, submission/."""
    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(root / "source")
    shutil.copyfile(root / "source" / "run_autograder", root / "run_autograder")
    (root / "submission").mkdir()
    for name, content in files.items():
        (root / "submission" / name).write_bytes(content)
    return root


@pytest.mark.parametrize("case", ["full marks", "partial", "not submitted"])
def test_run_autograder_writes_results_gradescope_accepts(tmp_path, bundle, case):
    import jsonschema
    files = {}
    if case == "full marks":
        files = {e.file: (KIT / "solutions" / e.file).read_bytes() for e in select([])}
    elif case == "partial":
        files = {E["ex01"].file: (KIT / "solutions" / E["ex01"].file).read_bytes(),
                 E["ex02"].file: (PROGRAMS / "ex02" / "bad_getppid.py").read_bytes()}
    root = fake_autograder_root(tmp_path / "autograder", bundle, files)
    env = dict(os.environ, PROCGRADE_AUTOGRADER_ROOT=str(root), PROCGRADE_PYTHON=sys.executable)
    proc = subprocess.run(["bash", str(root / "run_autograder")], cwd=root, env=env, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    results = json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))
    jsonschema.validate(results, GRADESCOPE_SCHEMA)
    top = results["extra_data"]["max_score"]
    assert sum(t["max_score"] for t in results["tests"]) == top
    assert sum(t["score"] for t in results["tests"]) == results["score"]
    if case == "full marks":
        assert results["score"] == top and all(t["status"] == "passed" for t in results["tests"])
    elif case == "partial":
        assert results["score"] == max_score(E["ex01"]) + expected_score(E["ex02"], fails_line(
            PROGRAMS / "ex02" / "bad_getppid.py"))
    else:
        assert results["score"] == 0 and top > 0
        assert results["extra_data"]["exercises"]["ex01"]["state"] == "not submitted"
    assert not list((root / "submission").rglob("__pycache__"))


# --- GitHub Classroom -------------------------------------------------------------------------------

def test_classroom_workflow_is_valid_and_wired_to_the_grader():
    import yaml
    from grader.__main__ import parser
    workflow = yaml.safe_load((KIT / "platforms" / "github-classroom" / "classroom.yml").read_text(encoding="utf-8"))
    assert workflow["name"] == "Autograding Tests"             # the reporter looks for these names
    assert set(workflow["on"]) >= {"push"}
    (job_id, job), = workflow["jobs"].items()
    assert job_id == "run-autograding-tests"
    steps = job["steps"]
    assert all("uses" in s or "run" in s for s in steps)
    assert all("@v" in s["uses"] for s in steps if "uses" in s)
    (grading,) = [s for s in steps if s.get("id") == "procgrade"]
    assert grading["run"].split()[:3] == ["nox", "-s", "classroom"]
    args = grading["run"].split("--", 1)[1].split()
    assert parser().parse_args(["classroom", *args]).command == "classroom"
    (report,) = [s for s in steps if "autograding-grading-reporter" in s.get("uses", "")]
    runners = report["with"]["runners"].split(",")
    for runner in runners:
        variable = runner.strip().upper() + "_RESULTS"
        assert report["env"][variable] == "${{ steps.%s.outputs.result }}" % runner.strip()
    noxfile = (KIT / "noxfile.py").read_text(encoding="utf-8")
    assert "def classroom(session" in noxfile


def test_classroom_command_reports_points_for_the_reporter(tmp_path):
    repo = tmp_path / "repo"
    (repo / "exercises").mkdir(parents=True)
    shutil.copyfile(KIT / "solutions" / E["ex01"].file, repo / "exercises" / E["ex01"].file)
    shutil.copyfile(KIT / "exercises" / E["ex02"].file, repo / "exercises" / E["ex02"].file)
    output, summary = tmp_path / "output", tmp_path / "summary.md"
    env = dict(os.environ, GITHUB_OUTPUT=str(output), GITHUB_STEP_SUMMARY=str(summary))
    proc = subprocess.run([sys.executable, "-m", "grader", "classroom", str(repo)], cwd=KIT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    (line,) = output.read_text().splitlines()
    name, encoded = line.split("=", 1)
    assert name == "result"
    result = json.loads(base64.b64decode(encoded))
    assert result["version"] == 1 and result["status"] == "fail"
    assert all(set(t) >= {"name", "status", "score", "message"} for t in result["tests"])
    points = sum(t["score"] for t in result["tests"])
    assert points == max_score(E["ex01"])
    assert "points: %d/%d" % (points, result["max_score"]) in proc.stdout
    assert "procgrade: %d/%d points" % (points, result["max_score"]) in summary.read_text()


def test_instructor_files_number_pids_and_name_the_student_not_the_temporary_folder():
    from grader.outputs import stable
    from grader.results import CheckResult, ExerciseResult, Report, State, Status
    check = CheckResult("ex02", "child_prints_its_pid", "the child prints its own pid", Status.FAILED, 0, 1, "spawn",
                        expected="child Process-1 (pid 4712) prints its own pid, 4712",
                        observed="`pid=4711...` came from pid 4712, but 4711 is main (pid 4711); 18 years",
                        hint="see /tmp/procgrade-grade-x/ada/ex02_pid.py")
    report = Report("/tmp/procgrade-grade-x/ada", ("spawn",),
                    (ExerciseResult("ex02", "pids", "ex02_pid.py", State.FAILING, (check,)),))
    (shown,) = stable(report, "ada", "/tmp/procgrade-grade-x/ada").exercises[0].checks
    assert shown.expected == "child Process-1 (pid #1) prints its own pid, #1"
    assert shown.observed == "`pid=#2...` came from pid #1, but #2 is main (pid #2); 18 years"
    assert shown.hint == "see ada/ex02_pid.py"
