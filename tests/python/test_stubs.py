"""The typing of the package: _core.pyi describes the built module exactly, the build installs it with
py.typed, and every public function and method of the eslabon package is annotated."""
import ast
import inspect
import re
from pathlib import Path

import pytest

import eslabon as es
from conftest import ROOT

STUB = ROOT / "bindings" / "python" / "eslabon" / "_core.pyi"


def public(names):
    return {n for n in names if not n.startswith("_")}


@pytest.fixture(scope="module")
def stub():
    """The stub's top-level classes and functions, by name (private type aliases left out)."""
    tree = ast.parse(STUB.read_text(), filename=str(STUB))
    return {node.name: node for node in tree.body
            if isinstance(node, (ast.ClassDef, ast.FunctionDef)) and not node.name.startswith("_")}


def decorators(fn):
    return {d.id for d in fn.decorator_list if isinstance(d, ast.Name)}


def runtime_parameters(obj):
    """[(name, default text or None)] from pybind11's signature line, `name(a: T, b: T = 1) -> R`, without self."""
    line = obj.__doc__.strip().splitlines()[0]
    inside = re.fullmatch(rf"{obj.__name__}\((.*)\) -> .*", line).group(1)
    params = []
    depth, part = 0, ""
    for ch in inside + ",":  # split on the commas outside brackets (List[Tuple[str, str]])
        if ch == "," and depth == 0:
            if part.strip():
                params.append(part.strip())
            part = ""
            continue
        depth += 1 if ch in "[(" else -1 if ch in "])" else 0
        part += ch
    out = []
    for p in params:
        name = p.split(":")[0].strip()
        default = p.split(" = ", 1)[1] if " = " in p else None
        out.append((name, default))
    return [p for p in out if p[0] != "self"]


def stub_parameters(fn):
    """[(name, default text or None, positional-only)] of a stub function, without self."""
    a = fn.args
    plain = a.posonlyargs + a.args
    defaults = [None] * (len(plain) - len(a.defaults)) + [ast.unparse(d) for d in a.defaults]
    out = [(x.arg, d, i < len(a.posonlyargs)) for i, (x, d) in enumerate(zip(plain, defaults))]
    return [p for p in out if p[0] != "self"]


def check_signature(path, runtime, fn):
    want, have = runtime_parameters(runtime), stub_parameters(fn)
    assert len(have) == len(want), f"{path}: stub {have} vs module {want}"
    for (name, default), (sname, sdefault, posonly) in zip(want, have):
        if re.fullmatch(r"arg\d+", name):  # the module names no parameter: callers pass it by position
            assert posonly, f"{path}: {sname} should be positional-only (the module calls it {name})"
        else:
            assert (sname, posonly) == (name, False), f"{path}: stub has {sname}, module {name}"
        assert (sdefault is None) == (default is None), f"{path}({name}): default {sdefault} vs {default}"
        if sdefault not in (None, "..."):
            assert ast.literal_eval(sdefault) == ast.literal_eval(default), f"{path}({name}): {sdefault} vs {default}"


def test_stub_names_exactly_what_the_module_has(stub):
    assert set(stub) == public(vars(es._core)), "the stub and the module name different things"


def test_stub_classes_match_the_module(stub):
    for name, node in stub.items():
        if not isinstance(node, ast.ClassDef):
            continue
        cls = getattr(es._core, name)
        if issubclass(cls, Exception):
            assert [ast.unparse(b) for b in node.bases] == [c.__name__ for c in cls.__bases__]
            continue
        members = {m.name: m for m in node.body if isinstance(m, ast.FunctionDef)}
        assert set(members) == public(vars(cls)), name
        for m, fn in members.items():
            attr = inspect.getattr_static(cls, m)
            assert ("property" in decorators(fn)) == isinstance(attr, property), f"{name}.{m}"
            assert ("staticmethod" in decorators(fn)) == isinstance(attr, staticmethod), f"{name}.{m}"
            if not isinstance(attr, property):
                check_signature(f"{name}.{m}", getattr(cls, m), fn)


def test_stub_functions_match_the_module(stub):
    for name, node in stub.items():
        if isinstance(node, ast.FunctionDef):
            check_signature(name, getattr(es._core, name), node)


def test_the_build_installs_the_stub_and_py_typed():
    package = Path(es.__file__).parent
    assert (package / "py.typed").is_file()
    assert (package / "_core.pyi").read_text() == STUB.read_text(), "build/python holds an old stub: rebuild"


PUBLIC_API = [es.Model, es.Result, es.result.StoredResult, es.StoredSweep, es.Graph, es.read_hdf5, es.compare, es.rank,
              es.rank_links, es.sweep, es.run_sweep, es.structure_differences, es.kpi_names, es.sensitivity,
              es.read_sensitivity, es.plot.lead_time, es.plot.origins, es.plot.causes, es.plot.tornado, es.plot.sweep,
              es.plot.heatmap, es.plot.graph, es.merge_shards, es.config_keys, es.config_schema]


def callables(obj):
    if inspect.isclass(obj):
        for name, attr in vars(obj).items():
            if name.startswith("_") and name != "__init__":
                continue
            if isinstance(attr, property):
                yield f"{obj.__name__}.{name}", attr.fget
            elif isinstance(attr, (classmethod, staticmethod)):
                yield f"{obj.__name__}.{name}", attr.__func__
            elif inspect.isfunction(attr):
                yield f"{obj.__name__}.{name}", attr
        for base in obj.__bases__:
            if base.__module__.startswith("eslabon"):
                yield from callables(base)
    else:
        yield obj.__name__, obj


@pytest.mark.parametrize("obj", PUBLIC_API, ids=lambda o: o.__name__)
def test_public_api_is_annotated(obj):
    for path, fn in callables(obj):
        sig = inspect.signature(fn)
        missing = [p.name for p in sig.parameters.values()
                   if p.name not in ("self", "cls") and p.annotation is inspect.Parameter.empty]
        assert not missing, f"{path}: parameters without a type: {missing}"
        if fn.__name__ != "__init__":
            assert sig.return_annotation is not inspect.Signature.empty, f"{path}: no return type"


# --------------------------------------------------------------------------------------------
# Docstrings and reprs (issue 12: help() on any public object is useful)
# --------------------------------------------------------------------------------------------

def public_objects():
    """(path, object) for everything eslabon.__all__ names: its classes with their public methods and
    properties, its functions, and the functions of its modules (eslabon.plot)."""
    for name in es.__all__:
        obj = getattr(es, name)
        if inspect.ismodule(obj):
            for n, f in vars(obj).items():
                if not n.startswith("_") and inspect.isfunction(f) and f.__module__ == obj.__name__:
                    yield f"{name}.{n}", f
            continue
        yield name, obj
        if inspect.isclass(obj) and not issubclass(obj, BaseException):
            for path, fn in callables(obj):
                if not path.endswith(".__init__"):
                    yield path, fn


def test_every_public_object_has_a_docstring():
    missing = sorted({path for path, obj in public_objects() if not (obj.__doc__ or "").strip()})
    assert not missing, f"no docstring: {missing}"


def test_every_public_class_has_a_repr():
    classes = [obj for _, obj in public_objects() if inspect.isclass(obj) and not issubclass(obj, BaseException)]
    assert classes
    plain = [c.__name__ for c in classes if c.__repr__ is object.__repr__]
    assert not plain, f"the default <object at 0x...> repr: {plain}"
    for cls in (es._core.Model, es._core.RunResult):
        assert cls.__repr__ is not object.__repr__ and "__repr__" in vars(cls), cls


def core_callables():
    for name, obj in vars(es._core).items():
        if name.startswith("_"):
            continue
        if inspect.isclass(obj):
            if issubclass(obj, BaseException):
                yield name, obj
                continue
            for m, attr in vars(obj).items():
                if not m.startswith("_"):
                    yield f"{name}.{m}", attr if isinstance(attr, property) else getattr(obj, m)
        else:
            yield name, obj


def test_the_core_module_names_its_parameters_and_says_what_each_does():
    for path, obj in core_callables():
        doc = (obj.__doc__ or "").strip()
        if isinstance(obj, (type, property)):
            assert doc, f"_core.{path}: no docstring"
            continue
        lines = doc.splitlines()
        # pybind11 starts a function's docstring with its signature; a property's getter has no
        # signature line when it has a docstring.
        if re.match(rf"{re.escape(obj.__name__)}\(", lines[0]):
            assert [p for p, _ in runtime_parameters(obj) if re.fullmatch(r"arg\d+", p)] == [], \
                f"_core.{path}: unnamed parameters (py::arg)"
            lines = lines[1:]
        assert "".join(lines).strip(), f"_core.{path}: no docstring beyond the signature"


def test_help_on_model_run_is_useful():
    import pydoc

    text = pydoc.render_doc(es.Model.run, renderer=pydoc.plaintext)
    sig = inspect.signature(es.Model.run)
    assert list(sig.parameters) == ["self", "replications", "seed", "threads", "orders", "progress", "events",
                                    "events_replications", "time_limit"]
    assert sig.parameters["replications"].default is None and sig.return_annotation == "Result"
    for words in ["replications", "seed", "threads", "Returns", "Result", "Raises", "TypeError", "ConfigError",
                  "WipLimitExceeded", "KeyboardInterrupt"]:
        assert words in text, words
