"""Progress bars (tqdm when installed; nothing otherwise)."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Callable, Iterator, Optional

Update = Optional[Callable[[float], None]]  # called with the fraction done; None: no bar to update


@contextmanager
def progress_bar(enabled: bool, description: str) -> Iterator[Update]:
    if not enabled:
        yield None
        return
    try:
        try:  # the notebook widget when Jupyter can show it, else the text bar
            import ipywidgets  # noqa: F401
            from tqdm.auto import tqdm
        except ImportError:
            from tqdm import tqdm
    except ImportError:  # no tqdm: no bar
        yield None
        return
    bar = tqdm(total=100, desc=description, unit="%", leave=False, bar_format="{l_bar}{bar}| {elapsed}<{remaining}")

    def update(fraction: float) -> None:
        target = int(round(100 * fraction))
        if target > bar.n:
            bar.update(target - bar.n)

    try:
        yield update
    finally:
        bar.close()
