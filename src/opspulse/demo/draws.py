"""Random draws the simulation shares: categorical codes and popularity-weighted picks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np


def shares(weights: Mapping[str, float], names: Sequence[str]) -> np.ndarray:
    """Probabilities in the order of ``names`` (a contract's accepted values)."""
    if set(weights) != set(names):
        raise ValueError(f"weights {sorted(weights)} do not cover {sorted(names)}")
    p = np.array([weights[n] for n in names], dtype=float)
    return p / p.sum()


def categorical(rng: np.random.Generator, p: np.ndarray, n: int) -> np.ndarray:
    """``n`` codes drawn with probabilities ``p``."""
    return rng.choice(len(p), size=n, p=p / p.sum())


def weighted(rng: np.random.Generator, cumulative: np.ndarray, n: int) -> np.ndarray:
    """``n`` positions drawn with probability proportional to their weight.

    ``cumulative`` is the running sum of the weights (non-empty).
    """
    u = rng.random(n) * cumulative[-1]
    return np.minimum(np.searchsorted(cumulative, u, side="right"), len(cumulative) - 1)
