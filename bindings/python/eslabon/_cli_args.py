"""What the commands written in Python share with the C++ ones on their arguments: integer options
whose bad values get the words of every integer check (models/config/config_error.hpp's
expected_integer): "--threads: expected an integer >= 1, got 0"."""
from __future__ import annotations

import argparse
from typing import Callable, Optional


def integer_in(low: int, high: Optional[int] = None) -> Callable[[str], int]:
    """An argparse `type`: an integer from `low` (to `high`, when given)."""
    expected = f"expected an integer >= {low}" if high is None else f"expected an integer from {low} to {high}"

    def parse(text: str) -> int:
        try:
            value = int(text, 10)
        except ValueError:
            try:
                float(text)
                shown = text  # a number is shown as written, anything else quoted
            except ValueError:
                shown = repr(text)
            raise argparse.ArgumentTypeError(f"{expected}, got {shown}") from None
        if value < low or (high is not None and value > high):
            raise argparse.ArgumentTypeError(f"{expected}, got {text}")
        return value

    return parse
