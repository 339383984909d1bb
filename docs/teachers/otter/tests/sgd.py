"""An otter-grader test file (exception-based format) for the student's ``sgd``.

``check.sgd`` runs CASES cases; each is one otter test case worth points / CASES, so the
otter score is ``points * check.sgd(sgd).score``; a failing case says check's verdict on it.
"""

from otter.test_files import test_case

from linreg_scratch import check

OK_FORMAT = False

name = "sgd"
points = 2
CASES = 4  # check.sgd(fn).run


def _case(index):
    def test(sgd):
        result = check.sgd(sgd)
        assert result.run == CASES, f"check.sgd ran {result.run} cases, this file expects {CASES}"
        found = result.outcomes[index]
        if found is not None:
            raise AssertionError(found.sentence())

    return test


for _index in range(CASES):
    globals()[f"case_{_index + 1}"] = test_case(name=f"sgd case {_index + 1}")(_case(_index))
