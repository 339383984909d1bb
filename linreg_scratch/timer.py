"""A small stopwatch for the vectorisation demo."""

from __future__ import annotations

import itertools
import time

from . import _checks


class Timer:
    """Record several running times.

    >>> timer = Timer()  # starts at once
    >>> for _ in range(3):
    ...     timer.start()
    ...     _ = sum(range(1000))
    ...     _ = timer.stop()
    >>> len(timer.times), timer.sum() == sum(timer.times), timer.avg() == timer.sum() / 3
    (3, True, True)
    """

    def __init__(self) -> None:
        self.times: list[float] = []
        self.start()

    def start(self) -> None:
        """Start (or restart) the stopwatch."""
        self._tik = time.perf_counter()

    def stop(self) -> float:
        """Stop, record and return the seconds since the last start."""
        self.times.append(time.perf_counter() - self._tik)
        return self.times[-1]

    def avg(self) -> float:
        """Mean of the recorded times."""
        _checks.nonempty("times", self.times, "no time recorded yet; call stop() first")
        return self.sum() / len(self.times)

    def sum(self) -> float:
        """Total of the recorded times."""
        return float(sum(self.times))

    def cumsum(self) -> list[float]:
        """Running totals of the recorded times: ``[t1, t1 + t2, ...]``."""
        return list(itertools.accumulate(self.times))

    def __enter__(self) -> Timer:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
