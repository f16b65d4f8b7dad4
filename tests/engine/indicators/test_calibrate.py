"""Calibration: ROC-AUC and PR-AUC against brute force, indicator and band tables, the refit."""

from __future__ import annotations

import math

import numpy as np
import pytest
import yaml

from tipwatch.engine.indicators.calibrate import (
    band_table,
    fit_weights,
    indicator_table,
    markdown_table,
    pr_auc,
    roc_auc,
    weights_yaml,
)


def brute_auc(s, y):
    pos = [a for a, b in zip(s, y, strict=True) if b]
    neg = [a for a, b in zip(s, y, strict=True) if not b]
    return sum(1.0 if p > n else 0.5 if p == n else 0.0 for p in pos for n in neg) / (len(pos) * len(neg))


def brute_ap(s, y):
    total, out, prev_recall = sum(y), 0.0, 0.0
    for t in sorted(set(s), reverse=True):
        sel = [b for a, b in zip(s, y, strict=True) if a >= t]
        recall = sum(sel) / total
        out += (recall - prev_recall) * (sum(sel) / len(sel))
        prev_recall = recall
    return out


def test_auc_edges():
    assert roc_auc([3, 2, 1, 0], [1, 1, 0, 0]) == 1.0
    assert roc_auc([0, 1, 2, 3], [1, 1, 0, 0]) == 0.0
    assert roc_auc([5, 5, 5, 5], [1, 0, 1, 0]) == 0.5
    assert math.isnan(roc_auc([1, 2], [1, 1])) and math.isnan(pr_auc([1, 2], [0, 0]))
    assert pr_auc([3, 2, 1, 0], [1, 1, 0, 0]) == 1.0
    with pytest.raises(ValueError, match="0 or 1"):
        roc_auc([1, 2], [1, 2])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_auc_matches_brute_force_with_ties(seed):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, 200).tolist()
    s = (rng.integers(0, 12, 200) + np.array(y) * rng.integers(0, 4, 200)).tolist()  # many ties
    assert roc_auc(s, y) == pytest.approx(brute_auc(s, y))
    assert pr_auc(s, y) == pytest.approx(brute_ap(s, y))


def test_indicator_table_precision_lift_recall():
    fired = [["a"], ["a", "b"], ["b"], [], ["a", "a"]]
    labels = [1, 1, 0, 0, 0]
    rows = {r.id: r for r in indicator_table(fired, labels, {"a": 10, "b": 5, "c": 3})}
    assert (rows["a"].support, rows["a"].positives) == (3, 2)
    assert rows["a"].precision == pytest.approx(2 / 3)
    assert rows["a"].lift == pytest.approx((2 / 3) / (2 / 5))
    assert rows["a"].recall == 1.0 and rows["b"].precision == 0.5
    assert rows["c"].support == 0 and math.isnan(rows["c"].precision)


def test_band_table():
    rows = band_table(["high", "high", "low", "review"], [1, 0, 1, 0], ["high", "review", "low"])
    assert [(r.band, r.ads, r.positives) for r in rows] == [("high", 2, 1), ("review", 1, 0), ("low", 1, 1)]
    assert rows[0].precision == 0.5 and rows[0].recall == 0.5


def test_fit_ranks_a_predictive_indicator_above_noise_and_keeps_unseen_weights():
    rng = np.random.default_rng(7)
    fired, labels = [], []
    for _ in range(2000):
        y = int(rng.random() < 0.4)
        ids = []
        if rng.random() < (0.7 if y else 0.05):
            ids.append("strong")
        if rng.random() < 0.3:
            ids.append("noise")
        if rng.random() < (0.1 if y else 0.4):
            ids.append("negative")
        fired.append(ids)
        labels.append(y)
    weights = {"strong": 5, "noise": 10, "negative": 10, "unseen": 12}
    intercept, rows = fit_weights(fired, labels, weights, weight_range=(1, 25))
    by = {r.id: r for r in rows}
    assert by["strong"].coefficient > 2 and by["strong"].suggested == 25
    assert by["negative"].coefficient < 0 and by["negative"].suggested == 1
    assert abs(by["noise"].coefficient) < 0.5 and by["noise"].suggested < by["strong"].suggested
    assert by["unseen"].suggested == 12 and by["unseen"].support == 0
    assert intercept < 0
    assert fit_weights(fired, labels, weights) == (intercept, rows)  # deterministic
    with pytest.raises(ValueError, match="both classes"):
        fit_weights([["a"]], [1], {"a": 3})


def test_weights_yaml_is_reviewable_and_says_not_applied():
    _, rows = fit_weights([["a"], [], ["a"], []], [1, 0, 1, 0], {"a": 3, "b": 4})
    text = weights_yaml(-1.0, rows, version="1.0.0", records=4, positives=2)
    assert "NOT APPLIED" in text
    data = yaml.safe_load(text)
    assert data["catalogue_version"] == "1.0.0" and data["weights"]["b"]["suggested"] == 4
    assert set(data["weights"]["a"]) == {"current", "suggested", "coefficient", "support"}


def test_markdown_table_aligns_numbers():
    text = markdown_table(["id", "n", "p"], [["x", 1200, 0.5], ["y", 3, float("nan")]])
    assert text.splitlines()[1] == "|---|---:|---:|"
    assert "| x | 1,200 | 0.500 |" in text and "| y | 3 | - |" in text
