"""Exit 0 when two HDF5 files hold the same groups, datasets and attributes, bit for bit.

    h5_equal.py A.h5 B.h5 [--ignore-attr /created ...]

Datasets are compared field by field: numbers by their bytes (so -0.0 != 0.0 and NaN == NaN of the
same bits), strings by value. Attributes likewise; --ignore-attr OBJECT/NAME skips one attribute
(e.g. /created, the time the file was written). Differences are listed on stderr.
"""
import argparse
import sys

import h5py
import numpy as np


def same_array(a, b):
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape or a.dtype != b.dtype:
        return False
    if a.dtype.names:
        return all(same_array(a[n], b[n]) for n in a.dtype.names)
    if a.dtype.kind == "O":
        return a.tolist() == b.tolist()
    return np.ascontiguousarray(a).tobytes() == np.ascontiguousarray(b).tobytes()


def items(f):
    out = {}
    f.visititems(lambda name, obj: out.__setitem__("/" + name, obj))
    out["/"] = f
    return out


def compare(pa, pb, ignore):
    diffs = []
    with h5py.File(pa, "r") as fa, h5py.File(pb, "r") as fb:
        ia, ib = items(fa), items(fb)
        for name in sorted(set(ia) ^ set(ib)):
            diffs.append(f"{name}: only in {pa if name in ia else pb}")
        for name in sorted(set(ia) & set(ib)):
            a, b = ia[name], ib[name]
            if type(a) is not type(b):
                diffs.append(f"{name}: a {type(a).__name__} here, a {type(b).__name__} there")
                continue
            if isinstance(a, h5py.Dataset) and not same_array(a[()], b[()]):
                diffs.append(f"{name}: the data differ")
            keys = {k for k in set(a.attrs) | set(b.attrs) if f"{name.rstrip('/')}/{k}" not in ignore}
            for k in sorted(keys):
                if k not in a.attrs or k not in b.attrs:
                    diffs.append(f"{name} attribute {k}: only in one file")
                elif not same_array(a.attrs[k], b.attrs[k]):
                    diffs.append(f"{name} attribute {k}: {a.attrs[k]!r} != {b.attrs[k]!r}")
        n = len(ia)
    return diffs, n


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("a")
    ap.add_argument("b")
    ap.add_argument("--ignore-attr", action="append", default=[])
    args = ap.parse_args()
    diffs, n = compare(args.a, args.b, set(args.ignore_attr))
    for d in diffs:
        print("h5_equal:", d, file=sys.stderr)
    if diffs:
        return 1
    print(f"h5_equal: {n} objects equal (ignoring {', '.join(args.ignore_attr) or 'nothing'})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
