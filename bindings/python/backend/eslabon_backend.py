"""eslabon's PEP 517 build backend: CMake builds, `cmake --install` lays the files out, this module zips them.

pyproject.toml names it with ``requires = []`` and ``backend-path``: it uses Python's standard library
only, so pip's isolated build environment has nothing to download and ``pip install .`` works offline
(a backend from PyPI, or Debian's setuptools, would not be importable there). flit_core builds itself the
same way. What it needs is what ``make build`` needs: CMake, a C++20 compiler and the Debian packages of
.ci/bootstrap.

The wheel holds what ``cmake --install --component cli|python|doc`` installs:
    eslabon/                      the package with its compiled module _core (lib/pythonX.Y/site-packages)
    eslabon-V.data/scripts/       the eslabon command (bin/); it finds the package beside it
    eslabon-V.data/data/share/    the man page, bash completion and the "Python (eslabon)" Jupyter kernel
The version is CMakeLists.txt's ``project(eslabon VERSION ...)``, the one the binary and the module report.

Settings (``pip install . --config-settings build-dir=DIR`` or the environment):
    build-dir / ESLABON_BUILD_DIR   a CMake build folder to use and keep (default: a temporary one). An
                                    existing one is built as it is configured (``build`` of ``make build``
                                    makes ``pip install`` take seconds); its module must suit this Python.
    CMAKE_ARGS                      more arguments for CMake's first configure (e.g. a compiler launcher).
    CMAKE_BUILD_PARALLEL_LEVEL      build jobs (default: the number of CPUs).
"""
from __future__ import annotations

import base64
import hashlib
import io
import os
import re
import shlex
import stat
import subprocess
import sys
import sysconfig
import tarfile
import tempfile
import tomllib
import zipfile
from pathlib import Path

__all__ = ["build_sdist", "build_wheel", "get_requires_for_build_sdist", "get_requires_for_build_wheel",
           "prepare_metadata_for_build_wheel"]

# What the wheel is built from: targets to build, then components to install (bindings/*/CMakeLists.txt).
TARGETS = ["eslabon", "_core", "eslabon_doc"]
COMPONENTS = ["cli", "python", "doc"]


def _root() -> Path:
    return Path.cwd()  # PEP 517: hooks run in the source tree's root


def version(root: Path | None = None) -> str:
    """The project's version, from CMakeLists.txt's project() (the one source)."""
    text = ((root or _root()) / "CMakeLists.txt").read_text(encoding="utf-8")
    m = re.search(r"project\(\s*eslabon\s+VERSION\s+([0-9][0-9A-Za-z.]*)", text)
    if not m:
        raise RuntimeError("CMakeLists.txt: no 'project(eslabon VERSION X.Y.Z ...)' to read the version from")
    return m.group(1)


def _project() -> dict:
    with open(_root() / "pyproject.toml", "rb") as f:
        return tomllib.load(f)["project"]


def _metadata() -> str:
    """Core metadata 2.1 (METADATA, PKG-INFO) from pyproject.toml's [project] table."""
    p = _project()
    known = {"name", "dynamic", "description", "requires-python", "license", "authors", "keywords",
             "classifiers", "dependencies", "optional-dependencies", "urls"}
    unknown = set(p) - known
    if unknown:  # say so rather than leave a field out of the metadata
        raise RuntimeError(f"pyproject.toml: eslabon_backend does not write {sorted(unknown)} into the metadata")
    lines = ["Metadata-Version: 2.1", f"Name: {p['name']}", f"Version: {version()}"]
    if "description" in p:
        lines.append(f"Summary: {p['description']}")
    if "requires-python" in p:
        lines.append(f"Requires-Python: {p['requires-python']}")
    lic = p.get("license", {})
    if "text" in lic:
        lines.append(f"License: {lic['text']}")
    for a in p.get("authors", []):
        if "email" in a:
            lines.append(f"Author-email: {a['name']} <{a['email']}>" if "name" in a else f"Author-email: {a['email']}")
        else:
            lines.append(f"Author: {a['name']}")
    if p.get("keywords"):
        lines.append("Keywords: " + ",".join(p["keywords"]))
    lines += [f"Classifier: {c}" for c in p.get("classifiers", [])]
    lines += [f"Project-URL: {k}, {v}" for k, v in p.get("urls", {}).items()]
    lines += [f"Requires-Dist: {d}" for d in p.get("dependencies", [])]
    for extra, deps in p.get("optional-dependencies", {}).items():
        lines.append(f"Provides-Extra: {extra}")
        lines += [f'Requires-Dist: {d}; extra == "{extra}"' for d in deps]
    return "\n".join(lines) + "\n"


def _tag() -> str:
    """cpXY-cpXY-PLATFORM: the compiled module is for this interpreter and platform."""
    impl = sys.implementation.cache_tag.replace("cpython-", "cp")  # cpython-311 -> cp311
    plat = sysconfig.get_platform().replace("-", "_").replace(".", "_")
    return f"{impl}-{impl}-{plat}"


def _dist_info(name: str, ver: str) -> str:
    return f"{name}-{ver}.dist-info"


def _run(cmd: list[str]) -> None:
    print("eslabon_backend: " + " ".join(shlex.quote(str(c)) for c in cmd), file=sys.stderr, flush=True)
    subprocess.run([str(c) for c in cmd], check=True, stdout=sys.stderr)


def _cmake_build(build_dir: Path, staging: Path) -> None:
    """Configure (a new build folder only), build the wheel's targets, install its components to `staging`."""
    root = _root()
    if not (build_dir / "CMakeCache.txt").exists():
        _run(["cmake", "-S", root, "-B", build_dir, "-DCMAKE_BUILD_TYPE=Release", f"-DPython_EXECUTABLE={sys.executable}",
              "-DESLABON_TESTS=OFF", "-DESLABON_BENCH=OFF", *shlex.split(os.environ.get("CMAKE_ARGS", ""))])
    jobs = os.environ.get("CMAKE_BUILD_PARALLEL_LEVEL") or str(os.cpu_count() or 1)
    _run(["cmake", "--build", build_dir, "-j", jobs, "--target", *TARGETS])
    for component in COMPONENTS:
        _run(["cmake", "--install", build_dir, "--prefix", staging, "--component", component])


def _layout(staging: Path) -> dict[str, Path]:
    """Wheel path -> installed file: the package at the root, bin/ as scripts, share/ as data."""
    inits = list(staging.glob("**/eslabon/__init__.py"))
    if len(inits) != 1:
        raise RuntimeError(f"cmake --install put {len(inits)} eslabon packages in {staging}, expected 1")
    site = inits[0].parent.parent
    suffix = sysconfig.get_config_var("EXT_SUFFIX")
    if not (site / "eslabon" / f"_core{suffix}").exists():
        found = sorted(p.name for p in (site / "eslabon").glob("_core*"))
        raise RuntimeError(f"the build's compiled module is {found}, this Python needs _core{suffix}: "
                           "use a build folder configured for this Python (build-dir)")
    data = f"{_project()['name']}-{version()}.data"
    files = {}
    for path in sorted(p for p in staging.rglob("*") if p.is_file()):
        if path.is_relative_to(site):
            files[path.relative_to(site).as_posix()] = path
        elif path.parent == staging / "bin":
            files[f"{data}/scripts/{path.name}"] = path
        elif path.is_relative_to(staging / "share"):
            files[f"{data}/data/{path.relative_to(staging).as_posix()}"] = path
        else:
            raise RuntimeError(f"cmake --install wrote {path.relative_to(staging)}, which has no place in a wheel")
    return files


def _record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def _write_wheel(path: Path, files: dict[str, Path], meta: dict[str, bytes]) -> None:
    record = []
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        def add(name: str, data: bytes, executable: bool = False) -> None:
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))  # reproducible: no build time inside
            info.external_attr = (stat.S_IFREG | (0o755 if executable else 0o644)) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
            record.append(_record_line(name, data))

        for name, src in files.items():
            add(name, src.read_bytes(), executable=bool(src.stat().st_mode & stat.S_IXUSR))
        for name, data in meta.items():
            add(name, data)
        record_name = next(n for n in meta if n.endswith("/METADATA")).rsplit("/", 1)[0] + "/RECORD"
        record.append(f"{record_name},,")
        info = zipfile.ZipInfo(record_name, date_time=(2020, 1, 1, 0, 0, 0))
        info.external_attr = (stat.S_IFREG | 0o644) << 16
        z.writestr(info, "\n".join(record) + "\n", zipfile.ZIP_DEFLATED)


def _dist_info_files() -> dict[str, bytes]:
    name, ver = _project()["name"], version()
    di = _dist_info(name, ver)
    wheel = f"Wheel-Version: 1.0\nGenerator: eslabon_backend\nRoot-Is-Purelib: false\nTag: {_tag()}\n"
    out = {f"{di}/METADATA": _metadata().encode(), f"{di}/WHEEL": wheel.encode()}
    if (_root() / "LICENSE").is_file():
        out[f"{di}/LICENSE"] = (_root() / "LICENSE").read_bytes()
    return out


# ---- PEP 517 hooks ----------------------------------------------------------------------------

def get_requires_for_build_wheel(config_settings=None) -> list[str]:
    return []


def get_requires_for_build_sdist(config_settings=None) -> list[str]:
    return []


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None) -> str:
    files = _dist_info_files()
    for name, data in files.items():
        target = Path(metadata_directory) / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return next(iter(files)).split("/")[0]


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None) -> str:
    settings = config_settings or {}
    given = settings.get("build-dir") or os.environ.get("ESLABON_BUILD_DIR")
    with tempfile.TemporaryDirectory(prefix="eslabon-wheel-") as tmp:
        build_dir = Path(given).resolve() if given else Path(tmp) / "build"
        staging = Path(tmp) / "install"
        _cmake_build(build_dir, staging)
        name = f"{_project()['name']}-{version()}-{_tag()}.whl"
        _write_wheel(Path(wheel_directory) / name, _layout(staging), _dist_info_files())
    return name


def build_sdist(sdist_directory, config_settings=None) -> str:
    """The files git tracks, under eslabon-V/, with PKG-INFO."""
    root = _root()
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=root, capture_output=True, check=True).stdout
    base = f"{_project()['name']}-{version()}"
    name = f"{base}.tar.gz"
    with tarfile.open(Path(sdist_directory) / name, "w:gz", format=tarfile.PAX_FORMAT) as tar:
        for rel in sorted(filter(None, listed.decode().split("\0"))):
            if (root / rel).is_file():
                tar.add(root / rel, arcname=f"{base}/{rel}", recursive=False)
        info = tarfile.TarInfo(f"{base}/PKG-INFO")
        data = _metadata().encode()
        info.size, info.mode = len(data), 0o644
        tar.addfile(info, io.BytesIO(data))
    return name


if __name__ == "__main__":  # python3 bindings/python/backend/eslabon_backend.py: print the version
    print(version(Path(__file__).resolve().parents[3]))
