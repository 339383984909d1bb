import time

import pytest

from linreg_scratch import Timer


def test_timer_records_and_averages():
    timer = Timer()
    time.sleep(0.01)
    first = timer.stop()
    with timer:
        time.sleep(0.01)
    assert len(timer.times) == 2 and first >= 0.009 and timer.times[1] >= 0.009
    assert timer.sum() == pytest.approx(sum(timer.times))
    assert timer.avg() == pytest.approx(timer.sum() / 2)


def test_timer_avg_without_times_says_what_to_do():
    timer = Timer()
    with pytest.raises(ValueError, match="call stop"):
        timer.avg()
