"""Calibration against labelled ads: per-indicator precision and lift, ROC-AUC, PR-AUC, and a
logistic-regression refit of the weights that a human reviews (never applied automatically).

    >>> roc_auc([0.9, 0.8, 0.3, 0.1], [1, 1, 0, 0])
    1.0
    >>> round(pr_auc([0.9, 0.8, 0.3, 0.1], [1, 0, 1, 0]), 3)
    0.833

All metrics use numpy only. ``roc_auc`` is the Mann-Whitney statistic with tied scores counted
half; ``pr_auc`` is average precision (the step-wise area, tied scores taken together).
:func:`fit_weights` fits ``P(label) = sigmoid(b + sum beta_i x_i)`` with an L2 penalty by
iteratively reweighted least squares, then suggests catalogue weights on the score's own scale:
the noisy-OR contribution ``-log(1 - w/100)`` is set proportional to ``beta``, with the largest
positive coefficient mapped to the catalogue's top weight; indicators with ``beta <= 0`` get the
minimum weight, and indicators that never fired in the data keep their weight.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = [
    "BandRow",
    "FitRow",
    "IndicatorRow",
    "band_table",
    "bands_markdown",
    "fit_weights",
    "indicator_table",
    "indicators_markdown",
    "markdown_table",
    "pr_auc",
    "roc_auc",
    "weights_yaml",
]


def _arrays(scores: Sequence[float], labels: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
    s = np.asarray(scores, dtype=float)
    y = np.asarray(labels, dtype=int)
    if s.shape != y.shape or s.ndim != 1:
        raise ValueError(
            f"scores and labels must be two lists of the same length, got {s.shape} and {y.shape}"
        )
    if not np.isin(y, (0, 1)).all():
        raise ValueError("labels must be 0 or 1")
    return s, y


def roc_auc(scores: Sequence[float], labels: Sequence[int]) -> float:
    """Area under the ROC curve (probability a positive outscores a negative; ties count half).
    ``nan`` when one class is missing."""
    s, y = _arrays(scores, labels)
    n_pos = int(y.sum())
    n_neg = len(y) - n_pos
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    order = np.argsort(s, kind="mergesort")
    ranks = np.empty(len(s), dtype=float)
    sorted_s = s[order]
    # average ranks over ties
    _, first, counts = np.unique(sorted_s, return_index=True, return_counts=True)
    avg = first + (counts + 1) / 2.0
    ranks[order] = np.repeat(avg, counts)
    return float((ranks[y == 1].sum() - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg))


def pr_auc(scores: Sequence[float], labels: Sequence[int]) -> float:
    """Average precision: sum over score thresholds of (recall gained) x (precision there).
    ``nan`` without positives."""
    s, y = _arrays(scores, labels)
    n_pos = int(y.sum())
    if n_pos == 0:
        return float("nan")
    order = np.argsort(-s, kind="mergesort")
    s, y = s[order], y[order]
    # one threshold per distinct score: the last index of each run of equal scores
    last = np.r_[np.nonzero(np.diff(s))[0], len(s) - 1]
    tp = np.cumsum(y)[last]
    fp = (last + 1) - tp
    precision = tp / (tp + fp)
    recall = tp / n_pos
    return float(np.sum(np.diff(np.r_[0.0, recall]) * precision))


@dataclass(frozen=True, slots=True)
class IndicatorRow:
    """How one indicator did: ads it fired on (``support``), of which positive, precision,
    lift (precision / base rate) and recall."""

    id: str
    weight: int
    support: int
    positives: int
    precision: float
    lift: float
    recall: float


def indicator_table(
    fired: Sequence[Iterable[str]], labels: Sequence[int], weights: dict[str, int]
) -> list[IndicatorRow]:
    """One row per indicator in ``weights`` (fired or not), by support, then id."""
    y = np.asarray(labels, dtype=int)
    n, n_pos = len(y), int(y.sum())
    base = n_pos / n if n else float("nan")
    support: dict[str, int] = dict.fromkeys(weights, 0)
    pos: dict[str, int] = dict.fromkeys(weights, 0)
    for ids, label in zip(fired, labels, strict=True):
        for i in set(ids):
            support[i] = support.get(i, 0) + 1
            pos[i] = pos.get(i, 0) + int(label)
    rows = []
    for i in support:
        k = support[i]
        p = pos[i] / k if k else float("nan")
        rows.append(
            IndicatorRow(
                id=i,
                weight=weights.get(i, 0),
                support=k,
                positives=pos[i],
                precision=p,
                lift=p / base if k and base else float("nan"),
                recall=pos[i] / n_pos if n_pos else float("nan"),
            )
        )
    rows.sort(key=lambda r: (-r.support, r.id))
    return rows


@dataclass(frozen=True, slots=True)
class BandRow:
    """Ads in one band: how many, how many positive, precision in the band, and recall."""

    band: str
    ads: int
    positives: int
    precision: float
    recall: float


def band_table(bands: Sequence[str], labels: Sequence[int], order: Sequence[str]) -> list[BandRow]:
    """One row per band name in ``order``; recall is the share of all positives in that band."""
    n_pos = sum(int(x) for x in labels)
    rows = []
    for name in order:
        ys = [int(lab) for b, lab in zip(bands, labels, strict=True) if b == name]
        k, p = len(ys), sum(ys)
        rows.append(BandRow(name, k, p, p / k if k else float("nan"), p / n_pos if n_pos else float("nan")))
    return rows


@dataclass(frozen=True, slots=True)
class FitRow:
    """One indicator's fitted coefficient (log-odds), odds ratio, current and suggested weight."""

    id: str
    support: int
    coefficient: float
    odds_ratio: float
    current: int
    suggested: int


def _irls(x: np.ndarray, y: np.ndarray, l2: float, iterations: int = 50) -> np.ndarray:
    """Newton / IRLS for L2-penalised logistic regression; column 0 (intercept) is not penalised."""
    n, k = x.shape
    beta = np.zeros(k)
    penalty = np.full(k, l2)
    penalty[0] = 0.0
    for _ in range(iterations):
        z = np.clip(x @ beta, -30, 30)
        p = 1.0 / (1.0 + np.exp(-z))
        w = p * (1 - p) + 1e-9
        grad = x.T @ (y - p) - penalty * beta
        hess = (x * w[:, None]).T @ x + np.diag(penalty) + 1e-9 * np.eye(k)
        step = np.linalg.solve(hess, grad)
        beta += step
        if float(np.max(np.abs(step))) < 1e-8:
            break
    return beta


def fit_weights(
    fired: Sequence[Iterable[str]],
    labels: Sequence[int],
    weights: dict[str, int],
    *,
    l2: float = 1.0,
    weight_range: tuple[int, int] = (1, 25),
) -> tuple[float, list[FitRow]]:
    """Fit a logistic regression of the labels on which indicators fired; return the intercept
    and one :class:`FitRow` per indicator in ``weights`` (by suggested weight, then id).

    Deterministic (no random start). The rows are a *suggestion* for a human to review; nothing
    here changes the catalogue.
    """
    ids = list(weights)
    col = {i: j + 1 for j, i in enumerate(ids)}
    y = np.asarray(labels, dtype=float)
    x = np.zeros((len(y), len(ids) + 1))
    x[:, 0] = 1.0
    for r, fired_ids in enumerate(fired):
        for i in fired_ids:
            if i in col:
                x[r, col[i]] = 1.0
    if len(y) == 0 or y.min() == y.max():
        raise ValueError("fitting needs labelled ads of both classes (label 0 and label 1)")
    beta = _irls(x, y, l2)
    support = x[:, 1:].sum(axis=0).astype(int)
    lo, hi = weight_range
    top = max((b for b, s in zip(beta[1:], support, strict=True) if s > 0), default=0.0)
    scale = -math.log(1 - hi / 100.0) / top if top > 0 else 0.0
    rows = []
    for j, i in enumerate(ids):
        b = float(beta[j + 1])
        if support[j] == 0:
            suggested = weights[i]
        elif b <= 0 or scale == 0:
            suggested = lo
        else:
            suggested = int(min(hi, max(lo, round(100 * (1 - math.exp(-scale * b))))))
        rows.append(FitRow(i, int(support[j]), b, math.exp(min(b, 50.0)), weights[i], suggested))
    rows.sort(key=lambda r: (-r.suggested, r.id))
    return float(beta[0]), rows


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return "-" if math.isnan(v) else f"{v:.3f}"
    if isinstance(v, int):
        return f"{v:,}"
    return str(v)


def markdown_table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A GitHub-flavoured Markdown table; numbers right-aligned, floats to three places."""
    raw = [list(row) for row in rows]
    numeric = [bool(raw) and all(isinstance(r[c], int | float) for r in raw) for c in range(len(headers))]
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join("---:" if n else "---" for n in numeric) + "|"]
    out += ["| " + " | ".join(_fmt(v) for v in r) + " |" for r in raw]
    return "\n".join(out)


def weights_yaml(
    intercept: float, rows: Sequence[FitRow], *, version: str, records: int, positives: int
) -> str:
    """The fitted weights as a reviewable YAML file (comments say it is not applied)."""
    lines = [
        "# Weights fitted by `tipwatch indicators fit` (logistic regression, L2, IRLS).",
        "# NOT APPLIED. A reviewer compares `suggested` with `current`, and copies the changes worth",
        "# making into the catalogue files by hand, bumping `version` (see",
        "# src/tipwatch/data/indicators/README.md, 'Versioning rule').",
        f'catalogue_version: "{version}"',
        f"records: {records}",
        f"positives: {positives}",
        f"intercept: {intercept:.4f}",
        "weights:",
    ]
    for r in sorted(rows, key=lambda r: r.id):
        lines.append(
            f"  {r.id}: {{current: {r.current}, suggested: {r.suggested}, "
            f"coefficient: {r.coefficient:.4f}, support: {r.support}}}"
        )
    return "\n".join(lines) + "\n"


def bands_markdown(bands: Sequence[str], labels: Sequence[int], order: Sequence[str]) -> str:
    """The per-band table (ads, positives, precision, recall) as markdown, highest band first."""
    return markdown_table(
        ["band", "ads", "positives", "precision", "recall"],
        [[b.band, b.ads, b.positives, b.precision, b.recall] for b in band_table(bands, labels, order)],
    )


def indicators_markdown(
    fired: Sequence[Sequence[str]],
    labels: Sequence[int],
    weights: dict[str, int],
    *,
    only_fired: bool = False,
) -> str:
    """The per-indicator table (weight, support, positives, precision, lift, recall) as markdown."""
    rows = indicator_table(fired, labels, weights)
    return markdown_table(
        ["indicator", "weight", "support", "positives", "precision", "lift", "recall"],
        [
            [r.id, r.weight, r.support, r.positives, r.precision, r.lift, r.recall]
            for r in rows
            if r.support or not only_fired
        ],
    )
