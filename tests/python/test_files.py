"""Files every reader opens (README "Results in HDF5", "CSV and Excel"): every dataset of a run file and
of a sweep file opens with pandas.read_hdf, with h5py (UTF-8 text, units as attributes) and with R's
hdf5r; units of measure on DataFrames, in --json and in headers; numeric sweep factors; --csv and
--xlsx on run, compare, rank and sweep, with the same numbers as the HDF5 file and the same bytes as
Python's to_csv; output paths checked before any work."""
import json
import shutil
import subprocess

import h5py
import numpy as np
import pandas as pd
import pytest

import eslabon as es
from conftest import WEAK, edited, run

# PyTables warns that a sweep factor's column name ("units.production.servers") is no Python identifier:
# harmless, pandas reads the column by its name.
pytestmark = pytest.mark.filterwarnings("ignore:object name is not a valid Python identifier")

# weak_link.yaml, short, with a named currency: every table of a run file but the satisfaction ones (no
# customer memory) has rows.
MODEL = edited(WEAK, ("horizon: 20000, warmup: 2000", "horizon: 600, warmup: 60"),
               ("costs: {late_penalty: 50,", "costs: {currency: EUR, late_penalty: 50,"))


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """A run file (with --orders and --events), its CSV directory and workbook, and a sweep file with its own."""
    d = tmp_path_factory.mktemp("files")
    (d / "model.yaml").write_text(MODEL)
    run("run", d / "model.yaml", "--replications", 2, "--orders", "--events", "--events-orders", 50, "-o", d / "run.h5",
        "--csv", d / "run_csv",
        "--xlsx", d / "run.xlsx", check=True)
    (d / "sweep.yaml").write_text("model: model.yaml\nreplications: 2\nseed: 7\ngrid:\n"
                                  "  units.production.servers: [3, 4]\n  links.purchase->produce.defect: [0.0, 0.05]\n"
                                  "scenarios:\n  outsourced_qc: {links.purchase->produce.detect: 0.95}\n")
    run("sweep", d / "sweep.yaml", "-o", d / "sweep.h5", "--csv", d / "sweep_csv", "--xlsx", d / "sweep.xlsx",
        check=True)
    return d


def datasets(path):
    """Every dataset of an HDF5 file: {key: h5py dataset name}."""
    names = []
    with h5py.File(path) as f:
        f.visititems(lambda name, obj: names.append(name) if isinstance(obj, h5py.Dataset) else None)
    return names


def decoded(ds):
    """A compound dataset read with h5py, its string fields decoded with the encoding the file declares."""
    data = ds[:]
    out = {}
    for name in data.dtype.names:
        info = h5py.check_string_dtype(data.dtype[name])
        out[name] = [x.decode(info.encoding) for x in data[name]] if info else data[name]
    return pd.DataFrame(out, columns=list(data.dtype.names))


def read_csv(path, **kw):
    """pandas.read_csv reading numbers exactly (its default parser may miss a double's last bit)."""
    return pd.read_csv(path, float_precision="round_trip", **kw)


def stripped(df):
    """A CSV or Excel frame with the units taken out of its headers: "copq [EUR]" -> "copq"."""
    return df.rename(columns=lambda c: c.split(" [")[0])


def same(a, b):
    pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True), check_dtype=False)


@pytest.mark.parametrize("file", ["run.h5", "sweep.h5"])
def test_every_dataset_opens_in_pandas_and_h5py_alike(files, file):
    path = files / file
    keys = datasets(path)
    assert len(keys) >= (18 if file == "run.h5" else 26)
    with h5py.File(path) as f:
        for key in keys:
            ds = f[key]
            frame = pd.read_hdf(path, key)  # PyTables' generic table: no variable-length strings
            assert list(frame.columns) == list(ds.dtype.names), key
            for name in ds.dtype.names:  # text is UTF-8 and says so; pandas hands it over as str
                info = h5py.check_string_dtype(ds.dtype[name])
                if info:
                    assert info.encoding == "utf-8", (key, name)
                    assert all(isinstance(x, str) for x in frame[name]), (key, name)
            same(frame, decoded(ds))
            # Units of measure: attributes h5py reads as text, one unit per column.
            assert isinstance(ds.attrs["time_unit"], str) and ds.attrs["time_unit"] == "hour"
            assert ds.attrs["currency"] == "EUR"
            assert len(ds.attrs["units"]) == len(ds.dtype.names), key
            assert all(isinstance(u, str) for u in ds.attrs["units"])
        assert f.attrs["time_unit"] == "hour" and f.attrs["currency"] == "EUR"


def test_units_attribute_names_each_columns_unit(files):
    with h5py.File(files / "run.h5") as f:
        units = dict(zip(f["replications"].dtype.names, f["replications"].attrs["units"]))
        assert units["lead_time_mean"] == "hour" and units["copq_per_order"] == "EUR per delivered order"
        assert units["replication"] == ""
        links = dict(zip(f["links"].dtype.names, f["links"].attrs["units"]))
        assert links["copq"] == "EUR" and links["rework_time"] == "hour"
    summary = pd.read_hdf(files / "run.h5", "summary").set_index("kpi")
    assert summary.loc["throughput", "measured_in"] == "orders per hour"
    assert summary.loc["revenue", "measured_in"] == "EUR per hour"


def test_sweep_factors_are_numbers(files):
    sc = pd.read_hdf(files / "sweep.h5", "scenarios")
    servers = sc["units.production.servers"]
    assert servers.dtype == np.float64 and list(servers[:4]) == [3, 3, 4, 4] and np.isnan(servers[4])
    assert list(sc["links.purchase->produce.defect"][:4]) == [0.0, 0.05, 0.0, 0.05]
    s = es.read_hdf5(files / "sweep.h5")
    assert isinstance(s, es.StoredSweep)
    summary = s.summary()
    assert summary["units.production.servers"].dtype == np.float64
    assert summary.attrs["currency"] == "EUR" and summary.attrs["time_unit"] == "hour"


@pytest.mark.skipif(shutil.which("Rscript") is None, reason="R is not installed (Debian: r-cran-hdf5r)")
def test_every_dataset_opens_in_r_hdf5r(files):
    script = """
    suppressMessages(library(hdf5r))
    for (path in commandArgs(TRUE)) {
      f <- H5File$new(path, mode = "r")
      for (name in f$ls(recursive = TRUE)$name) {
        obj <- f[[name]]
        if (inherits(obj, "H5D")) {
          df <- obj$read()
          text <- names(df)[sapply(df, is.character)]
          first <- if (nrow(df) > 0 && length(text)) df[[text[1]]][1] else "-"
          cat(basename(path), name, nrow(df), ncol(df), first, "\\n", sep = "\\t")
        }
      }
    }
    """
    if subprocess.run(["Rscript", "-e", "library(hdf5r)"], capture_output=True).returncode != 0:
        pytest.skip("R's hdf5r is not installed (Debian: r-cran-hdf5r)")
    names = ["run.h5", "sweep.h5"]
    p = subprocess.run(["Rscript", "-e", script, *[str(files / n) for n in names]], capture_output=True, text=True,
                       timeout=300)
    assert p.returncode == 0, p.stderr
    seen = {tuple(line.split("\t")[:2]): line.split("\t")[2:5] for line in p.stdout.splitlines()}
    assert set(seen) == {(n, key) for n in names for key in datasets(files / n)}
    for (file, key), (rows, cols, first) in seen.items():
        frame = pd.read_hdf(files / file, key)
        assert (int(rows), int(cols)) == frame.shape, key
        text = [c for c in frame.columns if frame[c].dtype == object]
        if len(frame) and text:
            assert first == frame[text[0]].iloc[0], key  # UTF-8 text arrives as text


def test_a_sweep_point_reads_like_a_run(files):
    """Every accessor of a run's result works on a sweep point; the summaries its file leaves out are made
    from its tables exactly as a run makes them."""
    s = es.read_hdf5(files / "sweep.h5")
    point = s["p0003"]  # servers 4, defect 0.05
    run = es.Model.from_yaml(files / "model.yaml").with_changes(
        {"units.production.servers": 4, "links.purchase->produce.defect": 0.05}).run(replications=2, seed=7)
    for name in ("summary", "unit_summary", "link_summary", "origin_summary"):
        pd.testing.assert_frame_equal(getattr(point, name)(), getattr(run, name)())
    pd.testing.assert_frame_equal(point.units, run.units)
    for name in ("delays", "causes", "drift", "contracts", "satisfaction", "flows", "orders", "delay_summary"):
        value = getattr(point, name)
        assert isinstance(value() if callable(value) else value, pd.DataFrame), name


def test_xarray_holds_the_sweep_grid(files):
    xr = pytest.importorskip("xarray")
    s = es.read_hdf5(files / "sweep.h5")
    ds = s.to_xarray()
    assert isinstance(ds, xr.Dataset)
    assert dict(ds.sizes) == {"units.production.servers": 2, "links.purchase->produce.defect": 2,
                              "kpi": len(es._core.kpi_names())}
    cell = ds["mean"].sel({"units.production.servers": 4, "links.purchase->produce.defect": 0.05,
                           "kpi": "lead_time_mean"})
    summary = s.summary().set_index(["id", "kpi"])
    assert float(cell) == summary.loc[("p0003", "lead_time_mean"), "mean"]
    assert str(ds["measured_in"].sel(kpi="copq_per_order").values) == "EUR per delivered order"
    assert ds.attrs["currency"] == "EUR"


def test_units_on_dataframes_and_in_json(files):
    m = es.Model.from_yaml(files / "model.yaml")
    r = m.run(replications=3, seed=1)
    assert m.currency == "EUR" and r.currency == "EUR"
    reps = r.replications
    assert reps.attrs["time_unit"] == "hour" and reps.attrs["currency"] == "EUR"
    assert reps.attrs["units"]["lead_time_mean"] == "hour" and "replication" not in reps.attrs["units"]
    assert r.summary().loc["copq_per_order", "measured_in"] == "EUR per delivered order"
    assert r.summary().attrs["currency"] == "EUR"
    assert r.links.attrs["units"]["copq"] == "EUR"
    stored = es.read_hdf5(files / "run.h5")
    assert stored.currency == "EUR" and stored.units.attrs["units"]["mean_wait"] == "hour"
    j = json.loads(run("run", files / "model.yaml", "--replications", 3, "--json", check=True).stdout)
    assert (j["time_unit"], j["currency"]) == ("hour", "EUR")
    assert j["kpis"]["lead_time_mean"]["measured_in"] == "hour"
    assert j["units"][next(iter(j["units"]))]["mean_wait"]["measured_in"] == "hour"
    cmp = json.loads(run("compare", files / "model.yaml", "--scenario", "better_supplier", "--replications", 3,
                         "--json", check=True).stdout)
    assert cmp["kpis"]["throughput"]["measured_in"] == "orders per hour"


def test_default_currency_is_unnamed_and_a_bad_one_is_refused(tmp_path):
    plain = edited(WEAK, ("horizon: 20000, warmup: 2000", "horizon: 1000, warmup: 100"))
    (tmp_path / "plain.yaml").write_text(plain)
    j = json.loads(run("run", tmp_path / "plain.yaml", "--replications", 2, "--json", check=True).stdout)
    assert j["currency"] == "currency" and j["kpis"]["revenue"]["measured_in"] == "currency per hour"
    bad = edited(WEAK, ("costs: {late_penalty: 50,", "costs: {currency: '', late_penalty: 50,"))
    (tmp_path / "bad.yaml").write_text(bad)
    p = run("run", tmp_path / "bad.yaml", "-o", tmp_path / "out.h5", "--csv", tmp_path / "csv")
    assert p.returncode == 2 and "costs.currency: expected the name of a currency" in p.stderr
    assert not (tmp_path / "out.h5").exists() and not (tmp_path / "csv").exists()


def test_run_csv_and_xlsx_hold_the_numbers_of_the_hdf5_file(files):
    names = [t for t in datasets(files / "run.h5")]
    assert sorted(p.stem for p in (files / "run_csv").iterdir()) == sorted(names)
    sheets = pd.read_excel(files / "run.xlsx", sheet_name=None)
    assert list(sheets) == [t["name"] for t in es._core.result_tables() if t["name"] in names]
    for name in names:
        h5 = pd.read_hdf(files / "run.h5", name)
        # CSV holds every bit; libxlsxwriter writes 16 significant digits.
        csv = read_csv(files / "run_csv" / f"{name}.csv", keep_default_na=False, na_values=[""])
        xl = sheets[name]
        for frame, rtol in ((csv, 0), (xl, 1e-15)):
            frame = stripped(frame)
            assert list(frame.columns) == list(h5.columns), name
            for c in h5.columns:
                if h5[c].dtype == object:  # text; Excel and pandas read an empty cell as NaN
                    assert list(frame[c].fillna("").astype(str)) == list(h5[c]), (name, c)
                else:
                    np.testing.assert_allclose(frame[c].to_numpy(dtype=float), h5[c].to_numpy(dtype=float),
                                               rtol=rtol, atol=0, err_msg=f"{name}.{c}")
    head = (files / "run_csv" / "links.csv").read_text().splitlines()[0]
    assert "copq [EUR]" in head and "rework_time [hour]" in head
    assert read_csv(files / "run_csv" / "summary.csv").columns[1] == "measured_in"


def test_python_writes_the_same_files_as_the_cli(files, tmp_path):
    stored = es.read_hdf5(files / "run.h5")
    stored.to_csv(tmp_path / "stored")
    for p in (files / "run_csv").iterdir():
        assert (tmp_path / "stored" / p.name).read_bytes() == p.read_bytes(), p.name
    sweep = es.read_hdf5(files / "sweep.h5")
    sweep.to_csv(tmp_path / "sweep")
    assert sorted(p.name for p in (tmp_path / "sweep").iterdir()) == sorted(p.name for p in (files / "sweep_csv").iterdir())
    for p in (files / "sweep_csv").iterdir():
        assert (tmp_path / "sweep" / p.name).read_bytes() == p.read_bytes(), p.name
    sweep.to_excel(tmp_path / "sweep.xlsx")
    a = pd.read_excel(tmp_path / "sweep.xlsx", sheet_name=None)
    b = pd.read_excel(files / "sweep.xlsx", sheet_name=None)
    assert list(a) == list(b) == ["scenarios", "summary", "replications", "units", "links", "origins"]
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name])
    # A run made in Python writes what `eslabon run --csv` writes for the same run.
    r = es.Model.from_yaml(files / "model.yaml").run(replications=2, orders=True, events=50)
    r.to_csv(tmp_path / "fresh")
    r.to_excel(tmp_path / "fresh.xlsx")
    for p in (files / "run_csv").iterdir():
        assert (tmp_path / "fresh" / p.name).read_bytes() == p.read_bytes(), p.name
    fresh, cli = (pd.read_excel(x, sheet_name=None) for x in (tmp_path / "fresh.xlsx", files / "run.xlsx"))
    assert list(fresh) == list(cli)
    for name in cli:
        pd.testing.assert_frame_equal(fresh[name], cli[name])


def test_sweep_csv_summary_equals_the_sweep_files(files):
    s = es.read_hdf5(files / "sweep.h5")
    csv = stripped(read_csv(files / "sweep_csv" / "summary.csv"))
    same(csv.drop(columns=["scenario"]), s.summary().drop(columns=["scenario"]))
    units = stripped(read_csv(files / "sweep_csv" / "units.csv"))
    assert list(units.columns[:3]) == ["id", "replication", "unit"]
    same(units[units["id"] == "p0002"].drop(columns="id"), s["p0002"].units)


def test_compare_and_rank_write_csv_and_xlsx(files, tmp_path):
    common = [files / "model.yaml", "--replications", 3]
    run("compare", *common, "--scenario", "better_supplier", "--csv", tmp_path / "cmp", "--xlsx", tmp_path / "c.xlsx",
        check=True)
    j = json.loads(run("compare", *common, "--scenario", "better_supplier", "--json", check=True).stdout)
    csv = read_csv(tmp_path / "cmp" / "comparison.csv").set_index("kpi")
    assert csv.loc["lead_time_mean", "diff_mean"] == j["kpis"]["lead_time_mean"]["diff_mean"]
    assert csv.loc["lead_time_mean", "measured_in"] == "hour"
    same(pd.read_excel(tmp_path / "c.xlsx", sheet_name="comparison").set_index("kpi"), csv)
    p = run("rank", *common, "--kpi", "lead_time_mean", "--csv", tmp_path / "rank", "--xlsx", tmp_path / "r.xlsx",
            check=True)
    assert "written to" in p.stdout
    j = json.loads(run("rank", *common, "--kpi", "lead_time_mean", "--json", check=True).stdout)
    csv = read_csv(tmp_path / "rank" / "weak_points.csv")
    assert "effect_mean [hour]" in csv.columns and "cost [EUR per hour]" in csv.columns
    assert j["units"]["effect_mean"] == "hour"
    np.testing.assert_allclose(csv["effect_mean [hour]"], [w["effect_mean"] for w in j["weak_points"]], rtol=0)
    same(pd.read_excel(tmp_path / "r.xlsx", sheet_name="weak_points"), csv)


def test_output_paths_are_checked_before_any_work(tmp_path):
    (tmp_path / "model.yaml").write_text(MODEL)
    (tmp_path / "a_file").write_text("x")
    cases = [("--csv", tmp_path / "a_file", "expected a directory (or a new name), found a file"),
             ("--csv", tmp_path / "no" / "dir", "found no directory"),
             ("--xlsx", tmp_path / "no" / "x.xlsx", "found no directory"),
             ("--xlsx", tmp_path / "model.yaml", "found the config file itself")]
    for command in (["run"], ["compare", "--scenario", "better_supplier"], ["rank"]):
        for option, path, message in cases:
            p = run(*command, tmp_path / "model.yaml", "-o" if command == ["run"] else "--json",
                    *([tmp_path / "out.h5"] if command == ["run"] else []), option, path)
            assert p.returncode == 2, (command, option, p.stderr)
            assert message in p.stderr and p.stdout == ""
            assert not (tmp_path / "out.h5").exists()
    (tmp_path / "sweep.yaml").write_text("model: model.yaml\nreplications: 2\ngrid:\n  units.production.servers: [3]\n")
    p = run("sweep", tmp_path / "sweep.yaml", "-o", tmp_path / "s.h5", "--xlsx", tmp_path / "sweep.yaml")
    assert p.returncode == 2 and "--xlsx" in p.stderr and not (tmp_path / "s.h5").exists()
    assert (tmp_path / "model.yaml").read_text() == MODEL
    with pytest.raises(es.ConfigError, match="found a file"):  # the Python door checks the same way
        es.Model.from_yaml(tmp_path / "model.yaml").run(replications=1).to_csv(tmp_path / "a_file")


def test_a_failed_csv_write_leaves_nothing_half_written(tmp_path):
    (tmp_path / "model.yaml").write_text(MODEL)
    (tmp_path / "out" / "summary.csv").mkdir(parents=True)  # a directory where a table must go
    p = run("run", tmp_path / "model.yaml", "--replications", 2, "--csv", tmp_path / "out")
    assert p.returncode == 1 and "summary.csv" in p.stderr and "nothing written" in p.stderr
    assert [x.name for x in (tmp_path / "out").iterdir()] == ["summary.csv"]
