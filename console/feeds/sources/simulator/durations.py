"""Duration samplers compiled from scenario distributions (milliseconds, ints)."""

from __future__ import annotations

import math
import random
from collections.abc import Callable

from console.feeds.sources.simulator.scenario import Distribution

Sampler = Callable[[random.Random], int]


def sampler(d: Distribution, scale: float = 1.0) -> Sampler:
    """A function drawing one duration in ms; ``scale`` multiplies every duration.

    lognormal: with m, s the mean and sd of the *durations*, the underlying normal
    has σ² = ln(1 + s²/m²) and μ = ln m − σ²/2, so E[X] = m and sd[X] = s.
    """
    mean_ms = d.mean_s * 1000.0 * scale
    if d.dist == "fixed" or mean_ms <= 0.0 or (d.dist == "lognormal" and not d.sd_s):
        fixed = max(0, round(mean_ms))
        return lambda rng: fixed
    if d.dist == "exponential":
        rate = 1.0 / mean_ms

        def exponential(rng: random.Random) -> int:
            return int(rng.expovariate(rate) + 0.5)

        return exponential
    sd_ms = (d.sd_s or 0.0) * 1000.0 * scale
    sigma2 = math.log1p((sd_ms / mean_ms) ** 2)
    mu = math.log(mean_ms) - sigma2 / 2.0
    sigma = math.sqrt(sigma2)

    def lognormal(rng: random.Random) -> int:
        return int(rng.lognormvariate(mu, sigma) + 0.5)

    return lognormal
