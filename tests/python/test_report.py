"""`eslabon report` and r.report (issue 11, item 4): one self-contained HTML page about a results file.
Checked: every section is there and the page loads nothing; the figures it states are the results'
(the ranking's base is the stored run; a paired difference is eslabon compare's, an unpaired one
Welch's); user text is escaped; the CLI's exit codes and refusals; and a real browser (headless
Chromium) renders it: a non-blank screenshot, no console message, every section in the DOM."""
from __future__ import annotations

import base64
import html
import io
import math
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

import eslabon as es
from conftest import DEADLINE, WEAK, edited, run

CLI_SHORT = ["--horizon", "4000", "--warmup", "400", "--replications", "5"]
SECTIONS = ["summary", "model", "graph", "kpis", "causes", "weak-points"]


def section(page: str, sid: str) -> str:
    start = page.index(f'<section id="{sid}">')
    return page[start:page.index("</section>", start)]


def text_of(fragment: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", fragment)))


def external_references(page: str) -> list[str]:
    """Every reference the page makes to something outside itself: a src or href that is not a
    data: URI or a #fragment, a CSS url() or @import."""
    refs = re.findall(r'\b(?:src|href)\s*=\s*"([^"]*)"', page, flags=re.I)
    bad = [r for r in refs if not (r.startswith("data:") or r.startswith("#"))]
    bad += re.findall(r"url\(|@import", page)
    return bad


@pytest.fixture(scope="module")
def weak(tmp_path_factory):
    """A weak_link run file, its report made by the CLI (weak points ranked), and the page's text."""
    d = tmp_path_factory.mktemp("report")
    h5, page = d / "weak.h5", d / "weak.html"
    run("run", WEAK, "-o", h5, *CLI_SHORT, check=True)
    p = run("report", h5, "-o", page, check=True)
    assert f"report written to {page}" in p.stdout
    return h5, page, page.read_text(encoding="utf-8")


def test_the_report_of_a_weak_link_run_has_every_section_and_loads_nothing(weak):
    h5, _, page = weak
    for sid in SECTIONS:
        assert page.count(f'<section id="{sid}">') == 1, sid
    assert 'id="compare"' not in page and 'id="sweep"' not in page
    assert external_references(page) == []
    assert "Content-Security-Policy" in page
    assert "could not be drawn" not in page  # every figure drew
    # figures: two waterfalls and the tornado, each a decodable PNG with something on it
    pngs = re.findall(r'src="data:image/png;base64,([^"]+)"', page)
    assert len(pngs) == 3
    from matplotlib.image import imread

    for data in pngs:
        img = imread(io.BytesIO(base64.b64decode(data)), format="png")
        assert img.shape[0] > 100 and img.shape[1] > 100 and img[..., :3].std() > 0.05


def test_the_model_in_words_names_every_unit_task_and_weak_link(weak):
    h5, _, page = weak
    words = text_of(section(page, "model"))
    m = es.Model.from_yaml(WEAK)
    for name in [*m.units, "take_order", "purchase", "produce", "deliver", "24h", *m.scenarios]:
        assert name in words, name
    for link in m.links:
        assert link.replace("->", " → ") in words


def test_the_stated_figures_are_the_results(weak):
    h5, _, page = weak
    r = es.read_hdf5(h5)
    s = r.summary()
    kpis = text_of(section(page, "kpis"))
    for k in ["lead_time_mean", "on_time_rate", "copq_per_order"]:
        lo, hi = s.loc[k, "ci_low"], s.loc[k, "ci_high"]
        assert f"{s.loc[k, 'mean']:.4g} [{lo:.4g}, {hi:.4g}]" in kpis, k
    # the ranking: es.rank on the stored config with the run's seed and replications; its base is the run
    m = es.Model(r.config_text)
    ranking = es.rank(m, kpi="copq_per_order", replications=5, seed=r.seed)
    assert np.allclose(ranking["base_mean"], s.loc["copq_per_order", "mean"], rtol=1e-12)
    weak_points = text_of(section(page, "weak-points"))
    assert f"{len(ranking) + 1} runs of 5 replications" in weak_points
    rows = re.findall(r"<tr><td class=\"n\">(\d+)</td><td>([^<]*)</td><td>([^<]*)</td>", section(page, "weak-points"))
    assert [(html.unescape(n), k) for _, n, k in rows] == list(zip(ranking["name"], ranking["kind"]))[:20]
    causes = text_of(section(page, "causes"))
    top = r.causes.index[0]
    assert top in causes


def test_no_rank_leaves_the_simulation_out_and_says_so(weak, tmp_path):
    h5, _, _ = weak
    out = tmp_path / "r.html"
    run("report", h5, "-o", out, "--no-rank", check=True)
    page = out.read_text()
    assert "--no-rank" in text_of(section(page, "weak-points"))
    assert "<table" not in section(page, "weak-points")


def test_user_text_is_escaped(tmp_path):
    name = '<script>alert("x")</script> Tom & "Jerry"'
    text = edited(WEAK, ("name: order-to-delivery chain with weak links", f"name: '{name}'"))
    m = es.Model(text).with_changes({"run.horizon": 2000, "run.warmup": 200})
    r = m.run(replications=2, seed=1, progress=False)
    out = r.report(tmp_path / "esc.html", rank=False)
    page = Path(out).read_text()
    assert "<script" not in page
    assert html.escape(name) in page
    assert external_references(page) == []


def test_a_graph_from_eslabon_graph_is_embedded_as_an_image(tmp_path, monkeypatch):
    """The contract with eslabon.graph: Model.graph(results=r).svg() -> SVG text, shown as a data: URI."""
    drawing = '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20"/></svg>'
    seen = {}

    class Drawn:
        def svg(self) -> str:
            return drawing

    def graph(self, results=None):
        seen["results"] = results
        return Drawn()

    monkeypatch.setattr(es.Model, "graph", graph, raising=False)
    m = es.Model.from_yaml(WEAK).with_changes({"run.horizon": 2000, "run.warmup": 200})
    r = m.run(replications=2, seed=1, progress=False)
    page = Path(r.report(tmp_path / "g.html", rank=False)).read_text()
    data = re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', section(page, "graph")).group(1)
    assert base64.b64decode(data).decode() == drawing
    assert seen["results"] is r


def test_compare_same_seed_and_names_is_paired_as_eslabon_compare(tmp_path):
    m = es.Model.from_yaml(WEAK).with_changes({"run.horizon": 3000, "run.warmup": 300})
    v = m.with_changes({"units.purchasing.servers": 3})
    from eslabon._report_compare import differences

    d = differences(m.run(replications=6, seed=3, progress=False), v.run(replications=6, seed=3, progress=False))
    c = es.compare(m, v, replications=6, seed=3)
    assert d["paired"].all() and d.attrs["replications"] == 6
    for k in ["lead_time_mean", "copq_per_order", "on_time_rate"]:
        for mine, theirs in [("diff", "diff_mean"), ("ci_low", "diff_ci_low"), ("ci_high", "diff_ci_high")]:
            assert math.isclose(d.loc[k, mine], c.loc[k, theirs], rel_tol=1e-9, abs_tol=1e-12), (k, mine)


def test_compare_of_independent_runs_is_unpaired_with_welchs_interval():
    from scipy import stats

    from eslabon._report_compare import differences

    m = es.Model.from_yaml(WEAK).with_changes({"run.horizon": 3000, "run.warmup": 300})
    a = m.run(replications=4, seed=3, progress=False)
    b = m.with_changes({"units.purchasing.servers": 3}).run(replications=7, seed=9, progress=False)
    d = differences(a, b)
    assert not d["paired"].any() and "different seeds (3 and 9)" in d.attrs["why"]
    for k in ["lead_time_mean", "copq_per_order"]:
        x, y = a.replications[k].to_numpy(float), b.replications[k].to_numpy(float)
        va, vb = x.var(ddof=1) / len(x), y.var(ddof=1) / len(y)
        df = (va + vb) ** 2 / (va ** 2 / (len(x) - 1) + vb ** 2 / (len(y) - 1))
        half = stats.t.ppf(0.975, df) * math.sqrt(va + vb)
        assert math.isclose(d.loc[k, "diff"], y.mean() - x.mean(), rel_tol=1e-9)
        assert math.isclose(d.loc[k, "ci_high"] - d.loc[k, "diff"], half, rel_tol=1e-6)
    # same seed, other names: independent random numbers, so unpaired too
    renamed = edited(WEAK, ("purchasing", "buying"))
    c = es.Model(renamed).with_changes({"run.horizon": 3000, "run.warmup": 300}).run(replications=4, seed=3, progress=False)
    e = differences(a, c)
    assert not e["paired"].any() and "units" in e.attrs["why"]


def test_cli_compare_adds_the_section(weak, tmp_path):
    h5, _, _ = weak
    other = tmp_path / "other.h5"
    run("run", WEAK, "-o", other, *CLI_SHORT, "--set", "units.purchasing.servers=3", check=True)
    out = tmp_path / "c.html"
    run("report", h5, "--compare", other, "-o", out, "--no-rank", check=True)
    page = out.read_text()
    words = text_of(section(page, "compare"))
    assert "The difference is paired" in words and "weak.h5" in words and "other.h5" in words


@pytest.fixture(scope="module")
def sweep_file(tmp_path_factory):
    d = tmp_path_factory.mktemp("sweep")
    (d / "model.yaml").write_text(edited(WEAK, ("horizon: 20000, warmup: 2000", "horizon: 3000, warmup: 300")))
    (d / "sweep.yaml").write_text("model: model.yaml\nreplications: 3\nseed: 7\ngrid:\n"
                                  "  units.production.servers: [4, 5]\n  links.purchase->produce.defect: [0.0, 0.02, 0.05]\n"
                                  "scenarios:\n  outsourced_qc: {links.purchase->produce.detect: 0.95}\n")
    run("sweep", d / "sweep.yaml", "-o", d / "sweep.h5", check=True)
    return d / "sweep.h5"


def test_a_sweep_report_has_the_points_and_heat_maps(sweep_file, tmp_path):
    out = tmp_path / "s.html"
    run("report", sweep_file, "-o", out, check=True)
    page = out.read_text()
    for sid in ["model", "kpis", "sweep"]:
        assert page.count(f'<section id="{sid}">') == 1
    assert external_references(page) == [] and "could not be drawn" not in page
    assert len(re.findall(r'src="data:image/png;base64,', section(page, "sweep"))) == 3  # one per default KPI
    assert "outsourced_qc" in text_of(section(page, "kpis"))
    # the heat map's cells are the points' means and half-widths
    from eslabon._report_sweep import heat_grid

    s = es.read_hdf5(sweep_file)
    summary = s.summary()
    d = summary[(summary["kpi"] == "lead_time_mean") & (summary["scenario"] == "")]
    xs, ys, mean, half = heat_grid(d, "links.purchase->produce.defect", "units.production.servers")
    assert xs == [0.0, 0.02, 0.05] and ys == [4, 5]
    row = d[(d["units.production.servers"] == 5) & (d["links.purchase->produce.defect"] == 0.02)].iloc[0]
    assert mean[1, 1] == row["mean"] and math.isclose(half[1, 1], (row["ci_high"] - row["ci_low"]) / 2)
    assert Path(s.report(tmp_path / "p.html", heatmap_kpis=["throughput"])).read_text().count("data:image/png") == 1


def _files(d: Path) -> set[str]:
    return {p.name for p in d.iterdir()}


def test_cli_refuses_bad_input_and_writes_nothing(weak, sweep_file, tmp_path, capsys):
    h5, _, _ = weak
    (tmp_path / "notes.txt").write_text("not a results file\n")
    import h5py

    with h5py.File(tmp_path / "foreign.h5", "w") as f:
        f["x"] = [1, 2, 3]
    out = tmp_path / "r.html"
    cases = [
        ([tmp_path / "missing.h5", "-o", out], "found no such file"),
        ([tmp_path, "-o", out], "found a directory"),
        ([tmp_path / "notes.txt", "-o", out], "found a file that is not HDF5"),
        ([tmp_path / "foreign.h5", "-o", out], "found an HDF5 file eslabon did not write"),
        ([h5, "-o", tmp_path], f"-o {tmp_path}: expected a regular file (or a new name), found a directory"),
        ([h5, "-o", tmp_path / "no" / "r.html"], "expected a file in an existing directory, found no directory"),
        ([h5, "-o", h5], f"-o {h5}: expected an output file, found the results file itself"),
        ([h5, "--compare", tmp_path / "foreign.h5", "-o", out], "eslabon did not write"),
        ([h5, "--compare", sweep_file, "-o", out], "found a sweep file"),
        ([h5, "--rank-kpi", "copq_per_ordr", "-o", out], "did you mean 'copq_per_order'"),
        ([h5, "--rank-replications", "0", "-o", out], "--rank-replications: expected an integer >= 1, got 0"),
        ([h5], "the following arguments are required: -o/--output"),
    ]
    other = tmp_path / "other.h5"
    shutil.copy(h5, other)
    cases.append(([h5, "--compare", other, "-o", other], "found the file given to --compare"))
    before, size = _files(tmp_path), h5.stat().st_size
    # A few through the eslabon binary, end to end; all in this process (python -m eslabon's main, which
    # the binary runs), which saves starting Python a dozen times.
    from eslabon.__main__ import main

    for i, (args, message) in enumerate(cases):
        if i in (0, 4, len(cases) - 2):
            p = run("report", *args)
            code, err = p.returncode, p.stderr
        else:
            try:
                code = main(["report", *map(str, args)])
            except SystemExit as e:  # argparse's usage errors
                code = e.code
            err = capsys.readouterr().err
        assert code == 2, (args, err)
        assert message in err, (args, err)
        assert _files(tmp_path) == before, args
    assert h5.stat().st_size == size


def test_cli_replaces_an_existing_report_whole(weak, tmp_path):
    h5, _, _ = weak
    out = tmp_path / "r.html"
    out.write_text("old")
    assert run("report", h5, "-o", out, "--no-rank").returncode == 0
    assert out.read_text().startswith("<!DOCTYPE html>")
    assert _files(tmp_path) == {"r.html"}  # no temporary file left behind


# ----------------------------------------------------------------------------------------------
# A real browser
# ----------------------------------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def chromium(page: Path, work: Path) -> tuple[np.ndarray, str, list[str]]:
    """Headless Chromium loads `page`: the screenshot (pixels), the DOM after loading, and every
    message the page wrote to the browser's console (errors, CSP refusals, uncaught exceptions)."""
    shot = work / "shot.png"
    p = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                        f"--user-data-dir={work / 'profile'}", "--no-first-run", "--enable-logging=stderr",
                        "--v=0", f"--screenshot={shot}", "--window-size=1280,2400", "--dump-dom",
                        page.resolve().as_uri()], capture_output=True, text=True, timeout=3 * DEADLINE)
    assert shot.exists(), f"no screenshot (exit {p.returncode})\n{p.stderr[-3000:]}"
    from matplotlib.image import imread

    console = [line for line in p.stderr.splitlines() if ":CONSOLE" in line or "Uncaught" in line]
    return imread(shot), p.stdout, console


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (Debian package chromium)")
def test_chromium_notices_what_the_browser_test_looks_for(tmp_path):
    """The check can fail: a page that refers to an outside image and throws has console messages."""
    bad = tmp_path / "bad.html"
    bad.write_text('<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" '
                   "content=\"default-src 'none'; img-src data:\"></head><body>"
                   '<img src="https://example.invalid/logo.png"><p id="x">x</p></body></html>')
    pixels, dom, console = chromium(bad, tmp_path)
    assert any("example.invalid" in line for line in console), console
    assert 'id="x"' in dom


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (Debian package chromium)")
def test_chromium_renders_the_report(weak, tmp_path):
    _, page, _ = weak
    pixels, dom, console = chromium(page, tmp_path)
    assert console == [], "\n".join(console)
    grey = pixels[..., :3].mean(axis=2)
    assert grey.std() > 0.1, "the screenshot is blank"
    assert (grey < 0.9).mean() > 0.05, "the screenshot is almost all white"
    for sid in SECTIONS:
        assert f'<section id="{sid}">' in dom, sid
    assert "<h1>order-to-delivery chain with weak links: simulation report</h1>" in dom
