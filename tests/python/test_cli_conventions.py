"""The eslabon command as a command-line citizen (README "Output conventions"): `-` reads the config from
standard input and `-o -` writes JSON to standard output; out-of-range numbers get plain messages; counts
agree with their nouns; one number format; no colour, whatever NO_COLOR says."""
import json
import os
import pty
import re
import subprocess

import pytest

from conftest import BIN, CONFIGS, WEAK, edited, run

SHORT = ["--horizon", "2000", "--warmup", "200", "--replications", "3"]
CHAIN = CONFIGS / "chain.yaml"

# One unit, one flow, one task: every count the texts print can be 1.
ONE = """name: one
run: {horizon: 1000, warmup: 100, replications: 1, seed: 3}
units: {desk: {servers: 1}}
flows: {only: {arrivals: {poisson: 0.5}, due: 1h, tasks: {serve: {unit: desk, service: {exponential: {mean: 1}}}}}}
scenarios: {faster: {units.desk.servers: 2}}
"""


def piped(*args, stdin: str, cwd=None):
    """`eslabon ARGS...` with `stdin` as its standard input."""
    return subprocess.run([BIN, *map(str, args)], input=stdin, capture_output=True, text=True, timeout=300, cwd=cwd)


# --------------------------------------------------------------------------------------------
# `-`: the config from standard input
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("command,extra", [
    ("run", ["--json", *SHORT]),
    ("run", SHORT),
    ("check", []),
    ("compare", ["--scenario", "double_check", *SHORT]),
    ("rank", ["--json", *SHORT]),
])
def test_dash_reads_the_config_from_stdin_as_the_file_would_be(command, extra):
    from_file = run(command, WEAK, *extra)
    from_stdin = piped(command, "-", *extra, stdin=WEAK.read_text())
    assert from_file.returncode in (0, 3), from_file.stderr
    assert (from_stdin.returncode, from_stdin.stdout) == (from_file.returncode, from_file.stdout)


def test_errors_in_stdin_say_where_as_stdin():
    text = edited(CHAIN, ("{servers: 4, capacity: inf}", "{servers: 4, capacty: inf}"))
    line = next(i for i, l in enumerate(text.splitlines(), 1) if "capacty" in l)
    col = text.splitlines()[line - 1].index("capacty") + 1
    for command in ["run", "check", "rank"]:
        p = piped(command, "-", stdin=text)
        assert p.returncode == 2 and p.stdout == ""
        assert p.stderr.startswith(f"<stdin>:{line}:{col}: units.production.capacty: unknown key"), p.stderr
    p = piped("run", "-", stdin="")
    assert p.returncode == 2 and p.stderr.startswith("<stdin>:1:1: "), p.stderr


def test_run_from_stdin_writes_the_text_it_read(tmp_path):
    import h5py

    out = tmp_path / "r.h5"
    piped("run", "-", "-o", out, *SHORT, stdin=CHAIN.read_text()).check_returncode()
    with h5py.File(out) as f:
        assert "order-to-delivery chain" in f.attrs["config"]


def test_sweep_from_stdin_takes_its_model_from_the_current_directory(tmp_path):
    model = edited(WEAK, ("horizon: 20000, warmup: 2000", "horizon: 2000, warmup: 200"))
    (tmp_path / "model.yaml").write_text(model)
    text = "model: model.yaml\nreplications: 2\nseed: 7\ngrid:\n  units.production.servers: [3, 4]\n"
    (tmp_path / "sweep.yaml").write_text(text)
    from_file = run("sweep", tmp_path / "sweep.yaml", check=True)
    from_stdin = piped("sweep", "-", stdin=text, cwd=tmp_path)
    assert from_stdin.returncode == 0, from_stdin.stderr
    assert from_stdin.stdout.replace("<stdin>", "SOURCE") == from_file.stdout.replace(str(tmp_path / "sweep.yaml"),
                                                                                     "SOURCE")
    # Elsewhere, model.yaml is not found: the path is the current directory's, not the sweep file's.
    p = piped("sweep", "-", stdin=text, cwd=CONFIGS)
    assert p.returncode == 2 and p.stderr.startswith("<stdin>:1:8: model: expected a model config file"), p.stderr


# --------------------------------------------------------------------------------------------
# `-o -`: standard output
# --------------------------------------------------------------------------------------------

def test_run_o_dash_prints_the_json_and_writes_no_file(tmp_path):
    json_doc = run("run", CHAIN, "--json", *SHORT, check=True).stdout
    for extra in [[], ["--json"]]:
        p = run("run", CHAIN, "-o", "-", *extra, *SHORT, cwd=tmp_path, check=True)
        assert p.stdout == json_doc
        assert json.loads(p.stdout)["replications"] == 3
    p = run("run", CHAIN, "-o", "-", "--orders", *SHORT, cwd=tmp_path, check=True)
    assert p.stdout == json_doc and "without -o FILE they are not kept" in p.stderr
    assert list(tmp_path.iterdir()) == []  # no file named -


def test_stdin_to_stdout():
    p = piped("run", "-", "-o", "-", *SHORT, stdin=CHAIN.read_text())
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["name"] == "order-to-delivery chain"


@pytest.mark.parametrize("command,extra,table", [
    ("run", [], "summary"),
    ("compare", ["--scenario", "double_check"], "comparison"),
    ("rank", [], "weak_points"),
])
def test_csv_dash_writes_the_main_table_to_stdout(command, extra, table, tmp_path):
    import io

    import pandas as pd

    p = run(command, WEAK, *extra, *SHORT, "--csv", "-", cwd=tmp_path, check=True)
    got = pd.read_csv(io.StringIO(p.stdout), float_precision="round_trip")
    run(command, WEAK, *extra, *SHORT, "--csv", tmp_path / "dir", check=True)
    want = pd.read_csv(tmp_path / "dir" / f"{table}.csv", float_precision="round_trip")
    pd.testing.assert_frame_equal(got, want)  # the same table, and nothing else on stdout
    assert [x.name for x in tmp_path.iterdir()] == ["dir"]  # no file named -


def test_csv_dash_of_a_sweep_from_stdin(tmp_path):
    import io

    import pandas as pd

    sweep = (f"model: {WEAK}\nreplications: 2\nseed: 5\n"
             "grid: {units.production.servers: [4, 5]}\n")
    p = piped("sweep", "-", "--csv", "-", stdin=sweep, cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    df = pd.read_csv(io.StringIO(p.stdout))
    assert list(df["id"].unique()) == ["p0000", "p0001"] and "kpi" in df.columns
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("args,message", [
    (["--json", "--csv", "-"], "--csv -: standard output already takes the JSON"),
    (["-o", "-", "--csv", "-"], "--csv -: standard output already takes the JSON"),
    (["--xlsx", "-"], "--xlsx -: expected a file name"),
])
def test_csv_dash_is_refused_beside_json(args, message, tmp_path):
    p = run("run", CHAIN, *SHORT, *args, cwd=tmp_path)
    assert p.returncode == 2 and message in p.stderr, p.stderr
    assert p.stdout == "" and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("args", [
    ["sweep", CONFIGS / "sweeps" / "staffing_vs_defects.yaml", "-o", "-"],
    ["sensitivity", CONFIGS / "sensitivity" / "weak_link.yaml", "-o", "-"],
])
def test_outputs_that_are_files_refuse_dash(args, tmp_path):
    p = run(*args, cwd=tmp_path)
    assert p.returncode == 2, p.stderr
    assert "-o -: expected a file name, got '-' (standard output)" in p.stderr
    assert list(tmp_path.iterdir()) == []


def test_dot_slash_dash_is_a_file(tmp_path):
    run("run", CHAIN, "-o", "./-", *SHORT, cwd=tmp_path, check=True)
    assert [x.name for x in tmp_path.iterdir()] == ["-"]


# --------------------------------------------------------------------------------------------
# Numbers out of range: plain messages
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("args,message", [
    (["run", CHAIN, "--replications", "0"], "--replications: expected an integer from 1 to 1000000, got 0"),
    (["run", CHAIN, "--replications", "2000000"], "--replications: expected an integer from 1 to 1000000, got 2000000"),
    (["run", CHAIN, "--replications", "1.5"], "--replications: expected an integer from 1 to 1000000, got 1.5"),
    (["run", CHAIN, "--replications", "many"], "--replications: expected an integer from 1 to 1000000, got 'many'"),
    (["run", CHAIN, "--threads", "-1"], "--threads: expected an integer from 0 to 4096, got -1"),
    (["run", CHAIN, "--threads", "99999999999999999999999"],
     "--threads: expected an integer from 0 to 4096, got 99999999999999999999999"),
    (["compare", CHAIN, "--scenario", "x", "--replications", "-2"], "--replications: expected an integer from 1 to"),
    (["rank", CHAIN, "--threads", "5000"], "--threads: expected an integer from 0 to 4096, got 5000"),
    (["sweep", CONFIGS / "sweeps" / "staffing_vs_defects.yaml", "--threads", "x"],
     "--threads: expected an integer from 0 to 4096, got 'x'"),
    (["sensitivity", CONFIGS / "sensitivity" / "weak_link.yaml", "--threads", "-1"],
     "--threads: expected an integer >= 0, got -1"),
])
def test_out_of_range_numbers_get_plain_messages(args, message):
    p = run(*args)
    assert p.returncode == 2 and p.stdout == ""
    assert message in p.stderr, p.stderr
    assert not re.search(r"\d{25}", p.stderr)  # no limits of a double


def test_help_shows_no_limits_of_a_double():
    for command in ["run", "compare", "rank", "sweep"]:
        p = run(command, "--help", check=True)
        assert not re.search(r"\d{12}", p.stdout), p.stdout


def test_replications_in_range_still_work():
    assert json.loads(run("run", CHAIN, "--json", *SHORT[:4], "--replications", "010", check=True).stdout)[
        "replications"] == 10  # decimal, not octal


# --------------------------------------------------------------------------------------------
# Counts agree with their nouns
# --------------------------------------------------------------------------------------------

WRONG_PLURAL = re.compile(r"(?<![\d.])1 (replications|units|flows|points|pairs|events|customers|servers|orders|runs|"
                          r"hours|days|minutes|weeks|seconds|observations|batches|parameters)\b")


def test_counts_of_one_are_singular(config_file, tmp_path):
    cfg = config_file(ONE, "one.yaml")
    texts = {
        "run": run("run", cfg, check=True).stdout,
        "check": run("check", cfg).stdout,
        "compare": run("compare", cfg, "--scenario", "faster", check=True).stdout,
        "rank": run("rank", cfg, "--kpi", "lead_time_mean", check=True).stdout,
    }
    (tmp_path / "s.yaml").write_text("model: one.yaml\nreplications: 1\nseed: 1\ngrid:\n  units.desk.servers: [2]\n")
    texts["sweep"] = run("sweep", tmp_path / "s.yaml", check=True).stdout
    assert texts["run"].startswith("one: 1 replication, seed 3, horizon 1000 hours (warm-up 100), ")
    assert texts["check"].startswith("one: 1 unit, 1 flow; time unit hour")
    assert "1 paired replication (seed 3)" in texts["compare"]
    assert "1 point x 1 replication = 1 pair (seed 1)" in texts["sweep"]
    for name, text in texts.items():
        assert not WRONG_PLURAL.search(text), f"{name}: {WRONG_PLURAL.search(text).group(0)}\n{text}"


@pytest.mark.parametrize("config", sorted(p.name for p in CONFIGS.glob("*.yaml")))
def test_no_count_of_one_is_plural_in_the_example_checks(config):
    text = run("check", CONFIGS / config).stdout  # routing.yaml: "open demand, 1 order per hour"
    assert text and not WRONG_PLURAL.search(text), WRONG_PLURAL.search(text).group(0)


def test_counts_above_one_are_plural():
    p = run("run", CHAIN, *SHORT, check=True)
    assert re.match(r"order-to-delivery chain: 3 replications, seed 42, horizon 2000 hours \(warm-up 200\), \d+ events",
                    p.stdout)


# --------------------------------------------------------------------------------------------
# One number format
# --------------------------------------------------------------------------------------------

NUMBER = re.compile(r"(?<![\w.])-?\d+\.\d+(?:e[+-]\d+)?(?![\w.])|(?<![\w.])-?\d+e[+-]\d+(?![\w.])")


def misformatted(text: str) -> list[str]:
    """Numbers with a decimal point or an exponent that break the rule: more than 4 significant digits,
    or a trailing zero after the point."""
    bad = []
    for m in NUMBER.finditer(text):
        token = m.group(0)
        mantissa = token.lstrip("-").split("e")[0]
        digits = mantissa.replace(".", "").lstrip("0")
        if len(digits) > 4 or ("." in mantissa and mantissa.endswith("0")):
            bad.append(token)
    return bad


@pytest.mark.parametrize("args", [
    ["run", WEAK, *SHORT],
    ["check", WEAK],
    ["check", CONFIGS / "pressure.yaml"],
    ["check", CONFIGS / "routing.yaml"],
    ["check", CONFIGS / "office_hours.yaml"],
    ["compare", WEAK, "--scenario", "double_check", *SHORT],
    ["rank", WEAK, *SHORT, "--budget", "50"],
])
def test_text_output_follows_one_number_format(args):
    p = run(*args)
    assert p.returncode in (0, 3), p.stderr
    assert NUMBER.search(p.stdout), "no number with a decimal point to check"
    assert misformatted(p.stdout + p.stderr) == []


def test_python_commands_share_the_rule():
    from eslabon import _core

    assert [_core.format_number(x) for x in (0.95, 12345.6, 1234567.0, 2.5e-5, float("nan"))] == [
        "0.95", "12346", "1.235e+06", "2.5e-05", "-"]
    assert _core.noun(1, "trajectory", "trajectories") == "trajectory"


# --------------------------------------------------------------------------------------------
# No colour
# --------------------------------------------------------------------------------------------

def on_a_terminal(args, env) -> str:
    """`eslabon ARGS...` with stdout and stderr on a pseudo-terminal (where a program that colours would);
    everything it printed."""
    pid, fd = pty.fork()
    if pid == 0:  # the child
        os.execve(BIN, [BIN, *map(str, args)], env)
    chunks = []
    while True:
        try:
            data = os.read(fd, 65536)
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.waitpid(pid, 0)
    os.close(fd)
    return b"".join(chunks).decode("utf-8", "replace")


@pytest.mark.parametrize("no_color", [None, "1"])
def test_no_colour_is_printed(no_color, config_file):
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    env.update({"TERM": "xterm-256color", "CLICOLOR_FORCE": "1", "FORCE_COLOR": "1"})
    if no_color:
        env["NO_COLOR"] = no_color
    bad = config_file(edited(CHAIN, ("servers: 4, capacity", "servers: 0, capacity")), "bad.yaml")
    for args in [["--help"], ["run", "--help"], ["run", CHAIN, *SHORT], ["check", WEAK], ["run", bad],
                 ["run", CHAIN, "--replications", "0"], ["frobnicate"], ["sensitivity", "--help"]]:
        text = on_a_terminal(args, env)
        assert text.strip(), args
        assert "\x1b" not in text, (args, text)
