"""`xinyong evaluate`: JSON Lines in, one result line per non-blank input line, in order."""

from __future__ import annotations

import json
import signal
import subprocess
import time

from helpers import assert_evaluation, describe, json_lines

AS_OF = "2026-06-30"
BAD_USCC = "91350900587527783Q"  # wrong check character


def synth_lines(run, count: int, seed: int) -> list[str]:
    proc = run("synth", "--enterprises", count, "--seed", seed)
    assert proc.returncode == 0, describe(proc)
    lines = proc.stdout.splitlines()
    assert len(lines) == count, describe(proc)
    return lines


def evaluate(run, lines: list[str]):
    return run("evaluate", "--as-of", AS_OF, input="".join(line + "\n" for line in lines))


def with_uscc(line: str, uscc: str) -> str:
    record = json.loads(line)
    record["uscc"] = uscc
    return json.dumps(record, ensure_ascii=False)


def assert_error(obj: dict, line: int, kind: str) -> None:
    assert obj.get("line") == line, obj
    error = obj.get("error")
    assert isinstance(error, dict), obj
    assert error.get("kind") == kind, obj
    assert isinstance(error.get("message"), str) and error["message"].strip(), obj


def test_all_valid_lines_evaluate_in_order(run) -> None:
    lines = synth_lines(run, 10, seed=11)
    proc = evaluate(run, lines)
    assert proc.returncode == 0, describe(proc)
    results = json_lines(proc.stdout)
    assert len(results) == len(lines), describe(proc)
    for result, line in zip(results, lines):
        assert_evaluation(result)
        assert result["uscc"] == json.loads(line)["uscc"]


def test_bad_lines_fail_alone_and_keep_their_line_numbers(run) -> None:
    good = synth_lines(run, 6, seed=5)
    lines = good[:2] + ["{not json"] + good[2:4] + [with_uscc(good[4], BAD_USCC)] + good[4:]
    # 1-based input line numbers of the two bad lines
    garbage_line, bad_uscc_line = 3, 6

    proc = evaluate(run, lines)
    assert proc.returncode == 1, describe(proc)
    results = json_lines(proc.stdout)
    assert len(results) == len(lines), describe(proc)

    for number, (result, line) in enumerate(zip(results, lines), start=1):
        if number == garbage_line:
            assert_error(result, number, "malformed_json")
        elif number == bad_uscc_line:
            assert_error(result, number, "invalid_uscc")
        else:
            assert_evaluation(result)
            assert result["uscc"] == json.loads(line)["uscc"]


def test_score_only_lines_carry_the_summary_grading(run) -> None:
    """`--score-only`: one grading per input line, equal to the full summary's score, grades and
    vetoes; bad lines keep their error entries; `--explain` cannot be combined with it."""
    good = synth_lines(run, 40, seed=7) + synth_lines(run, 20, seed=3)
    lines = good[:5] + ["{not json"] + good[5:]
    text = "".join(line + "\n" for line in lines)
    full = run("evaluate", "--as-of", AS_OF, input=text)
    graded = run("evaluate", "--as-of", AS_OF, "--score-only", input=text)
    assert full.returncode == graded.returncode == 1, describe(graded)
    summaries, gradings = json_lines(full.stdout), json_lines(graded.stdout)
    assert len(gradings) == len(summaries) == len(lines), describe(graded)
    vetoed = 0
    for number, (grading, summary) in enumerate(zip(gradings, summaries), start=1):
        if number == 6:
            assert_error(grading, number, "malformed_json")
            assert grading == summary
            continue
        assert set(grading) == {"uscc", "score", "grade", "grade_by_score", "vetoes"}, grading
        for key in ("uscc", "score", "grade", "grade_by_score"):
            assert grading[key] == summary[key], (key, grading, summary)
        assert grading["vetoes"] == [v["id"] for v in summary["vetoes"]]
        vetoed += bool(grading["vetoes"])
    assert vetoed > 0, "the sample should exercise the vetoes"
    both = run("evaluate", "--as-of", AS_OF, "--score-only", "--explain", input=text)
    assert both.returncode == 2, describe(both)
    assert "cannot be used with" in both.stderr, describe(both)


def test_line_numbers_count_blank_lines(run) -> None:
    good = synth_lines(run, 2, seed=9)
    lines = ["", good[0], "", "{not json", good[1]]
    proc = evaluate(run, lines)
    assert proc.returncode == 1, describe(proc)
    results = json_lines(proc.stdout)
    assert len(results) == 3, describe(proc)
    assert_evaluation(results[0])
    assert_error(results[1], 4, "malformed_json")
    assert_evaluation(results[2])


def test_blank_lines_are_skipped(run) -> None:
    lines = synth_lines(run, 4, seed=13)
    plain = evaluate(run, lines)
    spaced = evaluate(run, ["", lines[0], lines[1], "", "", lines[2], lines[3], ""])
    assert plain.returncode == 0, describe(plain)
    assert spaced.returncode == 0, describe(spaced)
    plain_results = json_lines(plain.stdout)
    spaced_results = json_lines(spaced.stdout)
    assert len(spaced_results) == len(lines), describe(spaced)

    def key(result: dict) -> tuple:
        return result["uscc"], result["score"], result["grade"]

    assert [key(r) for r in spaced_results] == [key(r) for r in plain_results]


def test_evaluation_is_deterministic(run) -> None:
    lines = synth_lines(run, 8, seed=17)
    first = evaluate(run, lines)
    second = evaluate(run, lines)
    assert first.returncode == 0, describe(first)
    assert first.stdout == second.stdout


def test_empty_input_gives_empty_output(run) -> None:
    proc = run("evaluate", "--as-of", AS_OF, input="")
    assert proc.returncode == 0, describe(proc)
    assert proc.stdout == ""


def test_only_blank_lines_gives_empty_output(run) -> None:
    proc = run("evaluate", "--as-of", AS_OF, input="\n\n\n")
    assert proc.returncode == 0, describe(proc)
    assert proc.stdout == ""


def test_a_killed_run_leaves_no_output_file_that_looks_complete(xinyong, tmp_path) -> None:
    """`--output` is written under a temporary name and renamed only when the run completes,
    so a process killed mid-run leaves at most the hidden partial file, never `out.jsonl`."""
    out = tmp_path / "out.jsonl"
    # An endless-looking stream: synth writes far more firms than the test lets evaluate read.
    synth = subprocess.Popen(
        [str(xinyong), "synth", "--enterprises", "5000000", "--seed", "3", "--as-of", "2026-06-30"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    evaluate = subprocess.Popen(
        [str(xinyong), "evaluate", "--as-of", "2026-06-30", "--output", str(out)],
        stdin=synth.stdout,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    assert synth.stdout is not None
    synth.stdout.close()
    try:
        deadline = time.monotonic() + 60
        partial = []
        while time.monotonic() < deadline:
            partial = [p for p in tmp_path.iterdir() if p.name.startswith(".out.jsonl.partial")]
            if partial and partial[0].stat().st_size > 1 << 20:
                break
            assert evaluate.poll() is None, "evaluate ended before it could be interrupted"
            time.sleep(0.05)
        assert partial, "no partial output appeared"
        evaluate.send_signal(signal.SIGKILL)
        evaluate.wait(timeout=30)
    finally:
        for proc in (evaluate, synth):
            if proc.poll() is None:
                proc.kill()
            proc.wait(timeout=30)
    assert evaluate.returncode == -signal.SIGKILL
    assert not out.exists(), "a killed run left a file under the final name"
    leftovers = [p.name for p in tmp_path.iterdir()]
    assert all(name.startswith(".out.jsonl.partial") for name in leftovers), leftovers


def graph_features_for(run, tmp_path, firm: str, uscc: str):
    """The graph indicators of fixtures/graph/features, from `xinyong graph features`, with the
    line of `firm` re-keyed to `uscc`, written to a file."""
    from helpers import REPO_ROOT

    case = REPO_ROOT / "fixtures" / "graph" / "features"
    proc = run("graph", "features", "--edges", case / "graph.jsonl",
               "--dishonest", case / "dishonest.json", "--net-assets", case / "net_assets.json",
               "--as-of", "2025-06-30")
    assert proc.returncode == 0, describe(proc)
    lines = json_lines(proc.stdout)
    for line in lines:
        if line["firm"] == firm:
            line["firm"] = uscc
    path = tmp_path / "features.jsonl"
    path.write_text("".join(json.dumps(l) + "\n" for l in lines), encoding="utf-8")
    return path


def test_graph_features_give_the_related_party_golden(run, tmp_path) -> None:
    from helpers import REPO_ROOT

    clean = json.loads((REPO_ROOT / "fixtures" / "enterprises" / "clean.json").read_text("utf-8"))
    other = json.loads((REPO_ROOT / "fixtures" / "enterprises" / "honours.json").read_text("utf-8"))
    # Firm F of the graph fixture, keyed (in another spelling) to the reference firm.
    spelled = clean["uscc"][:8] + " " + clean["uscc"][8:].lower()
    features = graph_features_for(run, tmp_path, "91320500MA0000066M", spelled)
    golden = json.loads(
        (REPO_ROOT / "fixtures" / "related_party" / "expected" / "capped_graph_firm.json")
        .read_text("utf-8"))
    lines = [json.dumps(clean, ensure_ascii=False), json.dumps(other, ensure_ascii=False)]
    proc = run("evaluate", "--as-of", AS_OF, "--explain", "--graph-features", features,
               input="".join(line + "\n" for line in lines))
    assert proc.returncode == 0, describe(proc)
    with_context, without = json_lines(proc.stdout)
    assert with_context == golden
    # A firm not in the features file is evaluated as without the option.
    plain = run("evaluate", "--as-of", AS_OF, "--explain", input=lines[1] + "\n")
    assert plain.returncode == 0, describe(plain)
    assert json_lines(plain.stdout) == [without]

    path = tmp_path / "clean.json"
    path.write_text(lines[0], encoding="utf-8")
    report = run("explain", path, "--as-of", AS_OF, "--lang", "en", "--graph-features", features)
    assert report.returncode == 0, describe(report)
    assert "790" in report.stdout, describe(report)
    assert "dishonest firms one tie away 1 (-30): 91320500MA000004XT" in report.stdout
    before = run("explain", path, "--as-of", AS_OF, "--lang", "en")
    assert "790" not in before.stdout and "91320500MA000004XT" not in before.stdout


def test_a_bad_graph_features_file_is_a_clear_error(run, tmp_path) -> None:
    lines = synth_lines(run, 2, seed=3)
    bad = tmp_path / "features.jsonl"
    bad.write_text('{"firm": "91320500MA0000015D", "dishonest_within_1": 2}\n', encoding="utf-8")
    for args in (("evaluate", "--as-of", AS_OF), ("explain", "-", "--as-of", AS_OF)):
        proc = run(*args, "--graph-features", bad, input=lines[0] + "\n")
        assert proc.returncode == 2, describe(proc)
        assert str(bad) in proc.stderr and "lines[0]" in proc.stderr, describe(proc)
        assert proc.stdout == "", describe(proc)
    missing = run("evaluate", "--as-of", AS_OF, "--graph-features", tmp_path / "none.jsonl",
                  input=lines[0] + "\n")
    assert missing.returncode == 2, describe(missing)


def test_every_jobs_count_writes_the_same_bytes(run) -> None:
    """`--jobs`: the lines are worked on by several threads, chunk by chunk, but the output,
    the stderr summary and the exit code are those of one thread, in every mode; 2,500 lines
    span several chunks, bad and blank lines among them."""
    good = synth_lines(run, 2500, seed=21)
    lines = good[:700] + ["{not json", "", with_uscc(good[700], BAD_USCC)] + good[700:]
    text = "".join(line + "\n" for line in lines)
    for mode in ([], ["--explain"], ["--score-only"]):
        one = run("evaluate", "--as-of", AS_OF, "--jobs", 1, *mode, input=text)
        assert one.returncode == 1, describe(one)
        assert len(json_lines(one.stdout)) == len(lines) - 1, describe(one)
        for jobs in (2, 3):
            many = run("evaluate", "--as-of", AS_OF, "--jobs", jobs, *mode, input=text)
            assert (many.returncode, many.stderr) == (one.returncode, one.stderr), describe(many)
            assert many.stdout == one.stdout, f"--jobs {jobs} {mode}: the output differs"


def test_zero_jobs_is_a_usage_error(run) -> None:
    proc = run("evaluate", "--as-of", AS_OF, "--jobs", 0, input="")
    assert proc.returncode == 2, describe(proc)
    assert "--jobs" in proc.stderr, describe(proc)
