"""Cases for ``synthetic_data(w, b, num_examples)``: features ~ N(0, 1), noisy linear labels.

The weights and bias are recovered from the generated data by least squares; what is left
over is the noise, whose standard deviation should be 0.01.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import torch

from ._compare import shape, tensor
from ._verdict import Result, call, fail, run
from .messages import checked, label

TRUTHS = [([2.0, -3.4], 4.2, 1000), ([1.5, 0.0, -2.0], -1.0, 2000), ([0.7], 3.0, 1500)]


def synthetic_data(fn: Callable) -> Result:
    """Check ``fn(w, b, num_examples)``: features ~ N(0, 1), labels ``X @ w + b`` + N(0, 0.01²) noise.

    Labels of shape ``(n,)`` (the seed) and ``(n, 1)`` (d2l) both pass. The weights and
    bias are recovered from the generated data by least squares.
    """  # noqa: E501
    shapes: list[str] = []
    cases = [partial(_case, fn, w, b, n, shapes) for w, b, n in TRUTHS]
    outcomes = run("synthetic_data", fn, cases)
    seen = " / ".join(sorted(set(shapes))) or "?"
    return Result("synthetic_data", checked("synthetic_data", shapes=seen), outcomes)


def _case(fn, w_list: list[float], b: float, n: int, shapes: list[str]) -> None:
    """One draw of ``n`` examples; the label shape it used goes into ``shapes``."""
    w = torch.tensor(w_list)
    d = len(w_list)
    case = label("synthetic_data.case", w=w_list, b=b, n=n)
    out = call(fn, case, w, b, n)
    if not (isinstance(out, tuple | list) and len(out) == 2):
        fail("synthetic_data.not_pair", case, came=shape(out))
    X = tensor(out[0], case, label("synthetic_data.features", n=n, d=d))
    y = tensor(out[1], case, label("synthetic_data.labels", n=n))
    if X.shape != (n, d):
        fail("synthetic_data.features_shape", case, n=n, d=d, came=shape(X))
    if y.shape not in {(n,), (n, 1)}:
        fail("synthetic_data.labels_shape", case, n=n, came=shape(y))
    shapes.append("(n,)" if y.dim() == 1 else "(n, 1)")
    X, y = X.detach().double(), y.detach().double().reshape(-1)
    mean, std = float(X.mean()), float(X.std())
    if abs(mean) > 0.1 or abs(std - 1) > 0.1:
        fail("synthetic_data.not_normal", case, mean=mean, std=std)
    A = torch.cat([X, torch.ones(n, 1, dtype=X.dtype)], dim=1)
    coef = torch.linalg.lstsq(A, y.reshape(-1, 1)).solution.reshape(-1)
    w_fit, b_fit = coef[:d], float(coef[d])
    residual = float((y - A @ coef).std())
    if abs(b_fit - b) > 0.05:
        key = "synthetic_data.no_bias" if abs(b_fit) < 0.05 else "synthetic_data.bias"
        fail(key, case, b=b, fit=b_fit)
    if (w_fit - w.double()).abs().max() > 0.05:
        fail("synthetic_data.weights", case, w=w_list, fit=[round(v, 3) for v in w_fit.tolist()])
    if residual < 1e-3:
        fail("synthetic_data.no_noise", case, residual=residual)
    if not 0.007 < residual < 0.013:
        fail("synthetic_data.noise_level", case, residual=residual)
