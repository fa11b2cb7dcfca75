"""The pieces of ``eslabon report``'s page: escaping, numbers, tables, inline figures, the page itself.

Every string that reaches the page goes through ``esc`` unless it is ``Raw`` (HTML built here from
escaped parts): model, unit and task names are user input.
"""
from __future__ import annotations

import base64
import contextlib
import html
import io
import math
import os
from typing import IO, Any, Iterable, Iterator, Sequence

# The page may load nothing: images are data: URIs and the style is inline. Saying so in a
# Content-Security-Policy makes a browser refuse, and report on its console, any reference to
# something outside the file, so a report that is not self-contained fails its browser test.
CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"

STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:0;color:#1d2733;
 background:#fff;line-height:1.45}
header{background:#1f3b57;color:#fff;padding:1.4em 2em 1em}
header h1{margin:0 0 .2em;font-size:1.7em}
header p{margin:.2em 0;color:#d5e1ec}
nav{padding:.5em 2em;background:#eef3f7;border-bottom:1px solid #d0dae3;position:sticky;top:0}
nav a{margin-right:1.2em;color:#1f3b57;text-decoration:none;font-weight:600}
main{padding:0 2em 2em;max-width:1180px}
section{margin-top:1.6em;border-top:1px solid #d0dae3;padding-top:.4em}
h2{color:#1f3b57;margin:.4em 0}
h3{margin:1em 0 .3em}
table{border-collapse:collapse;margin:.5em 0 1em;font-size:.92em;display:block;max-width:100%;overflow-x:auto}
th,td{border:1px solid #d0dae3;padding:.25em .6em;text-align:left;vertical-align:top}
th{background:#eef3f7}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.ci{color:#5b6b7b;font-size:.9em}
.note{background:#fff8e1;border-left:4px solid #f0b400;padding:.4em .8em}
.good{color:#1e7b34}.bad{color:#b3261e}
figure{margin:.6em 0 1.2em}
figure img{max-width:100%;height:auto;border:1px solid #e3e9ef}
figcaption{color:#5b6b7b;font-size:.9em}
pre{background:#f6f8fa;padding:.8em;overflow-x:auto;font-size:.85em}
details summary{cursor:pointer;color:#1f3b57;font-weight:600;margin:.4em 0}
footer{color:#5b6b7b;font-size:.85em;padding:1em 2em;border-top:1px solid #d0dae3}
"""


class Raw(str):
    """Text that is already HTML, built here from escaped parts."""


def esc(value: Any) -> str:
    return html.escape(str(value), quote=True)


def cell(value: Any) -> str:
    return value if isinstance(value, Raw) else esc(value)


def num(x: Any, digits: int = 4) -> str:
    """A figure to `digits` significant digits; missing (NaN) as a dash."""
    try:
        v = float(x)
    except (TypeError, ValueError):
        return esc(x)
    if math.isnan(v):
        return "–"
    if math.isinf(v):
        return "∞" if v > 0 else "−∞"
    if v == 0:
        return "0"
    if abs(v) >= 10 ** digits:
        return f"{v:,.0f}"
    return f"{v:.{digits}g}"


def with_ci(mean: Any, low: Any, high: Any) -> Raw:
    """A mean with its 95% CI beside it, in brackets."""
    if _isnan(low) and _isnan(high):
        return Raw(num(mean))
    return Raw(f'{num(mean)} <span class="ci">[{num(low)}, {num(high)}]</span>')


def _isnan(x: Any) -> bool:
    try:
        return math.isnan(float(x))
    except (TypeError, ValueError):
        return True


def table(headers: Sequence[Any], rows: Iterable[Sequence[Any]], numeric: Iterable[int] = ()) -> Raw:
    """A table; `numeric` are the column indices set right-aligned."""
    right = set(numeric)
    head = "".join(f"<th>{cell(h)}</th>" for h in headers)
    body = []
    for row in rows:
        tds = "".join(f'<td class="n">{cell(v)}</td>' if i in right else f"<td>{cell(v)}</td>" for i, v in enumerate(row))
        body.append(f"<tr>{tds}</tr>")
    return Raw(f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>")


def para(text: Any) -> Raw:
    return Raw(f"<p>{cell(text)}</p>")


def note(text: Any) -> Raw:
    return Raw(f'<p class="note">{cell(text)}</p>')


def details(summary: str, body: str) -> Raw:
    return Raw(f"<details><summary>{esc(summary)}</summary>{body}</details>")


def png(fig: Any, alt: str, caption: str = "") -> Raw:
    """A matplotlib Figure as an inline PNG (base64 data: URI)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=96, bbox_inches="tight")
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    cap = f"<figcaption>{esc(caption)}</figcaption>" if caption else ""
    return Raw(f'<figure><img alt="{esc(alt)}" src="data:image/png;base64,{data}">{cap}</figure>')


def svg(text: str, alt: str, caption: str = "") -> Raw:
    """An SVG drawing as an image (data: URI): kept apart from the page, so its ids, styles and any
    links inside it cannot touch the page."""
    data = base64.b64encode(text.encode("utf-8")).decode("ascii")
    cap = f"<figcaption>{esc(caption)}</figcaption>" if caption else ""
    return Raw(f'<figure><img alt="{esc(alt)}" src="data:image/svg+xml;base64,{data}">{cap}</figure>')


def figure(draw: Any, alt: str, caption: str = "") -> Raw:
    """``draw()`` returns a matplotlib Figure; a figure that fails says so in the page (the rest of
    the report is still worth having) instead of stopping the report."""
    try:
        return png(draw(), alt, caption)
    except Exception as e:  # noqa: BLE001 - any drawing error becomes a visible note
        return note(f"The figure “{alt}” could not be drawn: {type(e).__name__}: {e}")


def new_figure(width: float, height: float) -> Any:
    """A matplotlib Figure outside pyplot: the report never touches a notebook's current figure or backend."""
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def section(sid: str, title: str, parts: Iterable[str]) -> Raw:
    return Raw(f'<section id="{esc(sid)}"><h2>{esc(title)}</h2>{"".join(parts)}</section>')


def page(title: str, subtitle: Sequence[str], sections: Sequence[tuple[str, str, Raw]], footer: str) -> str:
    """The whole page: `sections` are (id, title in the navigation bar, section HTML)."""
    nav = "".join(f'<a href="#{esc(sid)}">{esc(label)}</a>' for sid, label, _ in sections)
    sub = "".join(f"<p>{esc(s)}</p>" for s in subtitle)
    body = "".join(s for _, _, s in sections)
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{esc(title)}</title><style>{STYLE}</style></head>\n"
            f"<body><header><h1>{esc(title)}</h1>{sub}</header><nav>{nav}</nav>\n<main>{body}</main>\n"
            f"<footer>{esc(footer)}</footer></body></html>\n")


@contextlib.contextmanager
def atomic_path(path: str) -> Iterator[str]:
    """The name of an empty file to write (with the umask's mode) that replaces `path` only when the block
    ends without an exception: the temporary name every writer uses, ``.NAME.tmp-PID`` beside `path`
    (those left by killed processes removed first), then renamed, so a reader never sees half a file; on
    an exception (a full disk: OSError) it is removed. A symbolic link at `path` is followed: the file it
    points to is replaced."""
    from ._core import remove_stale_temporaries, temporary_path

    target = os.path.realpath(path)
    remove_stale_temporaries(target)
    tmp = temporary_path(target)
    os.close(os.open(tmp, os.O_CREAT | os.O_TRUNC | os.O_WRONLY | os.O_CLOEXEC, 0o666))
    try:
        yield tmp
        os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def atomic_file(path: str, mode: str = "w") -> Iterator[IO[Any]]:
    """A file to write (``mode`` "w" for UTF-8 text, "wb" for bytes) at `path`, as ``atomic_path`` says."""
    with atomic_path(path) as tmp, open(tmp, mode, **({} if "b" in mode else {"encoding": "utf-8"})) as f:
        yield f


def write_atomic(path: str, text: str) -> None:
    """Write `text` to a temporary file beside `path`, then rename it: a reader never sees half a report."""
    with atomic_file(path) as f:
        f.write(text)


def check_output(path: str, kept: Sequence[tuple[str, str]], label: str) -> str:
    """The checks of the CLI's -o (models/output/output_path.cpp, the one implementation): raises
    ConfigError when `path` is a directory, in no directory, one of the `kept` (file, what) or in a
    directory that is not writable. Returns the path to write (a symbolic link is followed)."""
    from ._core import check_output_path

    return check_output_path(os.fspath(path), [(os.fspath(f), w) for f, w in kept], label)
