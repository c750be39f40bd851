"""Loudness for generated music: an ITU-R BS.1770-4 meter, a true-peak estimate and a mastering step.

The music is a loop, so everything here that filters works on it as one period (in the frequency
domain, or with circular padding): mastering must not put a click at the loop point. The meter agrees
with ffmpeg's `ebur128` filter to about 0.1 LU on these tracks (tests/media/test_media_loudness.py
measures the encoded files with ebur128 itself).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

TARGET_LUFS = -16.0
CEILING_DBTP = -1.0
# AAC at 160 kb/s moves true peaks by up to ~0.5 dB on dense material: master with that much room, so
# the encoded file (and an export at 100 %) still stays under the -1 dBTP ceiling.
_MASTER_CEILING_DBTP = -1.8


def _biquad_response(b: tuple[float, ...], a: tuple[float, ...], f: np.ndarray, rate: int) -> np.ndarray:
    z = np.exp(-2j * np.pi * f / rate)
    return (b[0] + b[1] * z + b[2] * z**2) / (a[0] + a[1] * z + a[2] * z**2)


@lru_cache(maxsize=4)
def _k_curve(n: int, rate: int) -> np.ndarray:
    """|K|-weighting over an n-point rfft's bins (the same loop length is measured a few times)."""
    return k_weighting(np.fft.rfftfreq(n, 1 / rate), rate)


def k_weighting(f: np.ndarray, rate: int) -> np.ndarray:
    """The complex response of BS.1770's K-weighting (head shelf, then the RLB high-pass) at `f` Hz,
    with the standard's analogue prototypes mapped to `rate` (as libebur128 does)."""
    k = np.tan(np.pi * 1681.974450955533 / rate)
    vh, q = 10 ** (3.999843853973347 / 20), 0.7071752369554196
    vb = vh**0.4996667741545416
    a0 = 1 + k / q + k * k
    shelf = _biquad_response(
        ((vh + vb * k / q + k * k) / a0, 2 * (k * k - vh) / a0, (vh - vb * k / q + k * k) / a0),
        (1.0, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0),
        f,
        rate,
    )
    k = np.tan(np.pi * 38.13547087602444 / rate)
    q = 0.5003270373238773
    a0 = 1 + k / q + k * k
    highpass = _biquad_response(
        (1.0, -2.0, 1.0), (1.0, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0), f, rate
    )
    return shelf * highpass


def integrated_lufs(x: np.ndarray, rate: int) -> float:
    """Integrated loudness of (channels, n) samples: 400 ms blocks every 100 ms, gated at -70 LUFS
    and 10 LU under the ungated mean, as BS.1770-4 says."""
    n = x.shape[1]
    spec = np.fft.rfft(x, axis=1) * _k_curve(n, rate)
    power = (np.fft.irfft(spec, n=n, axis=1) ** 2).sum(axis=0)
    size, step = int(0.4 * rate), int(0.1 * rate)
    if n < size:
        blocks = np.array([power.mean()])
    else:
        csum = np.concatenate([[0.0], np.cumsum(power)])
        starts = np.arange(0, n - size + 1, step)
        blocks = (csum[starts + size] - csum[starts]) / size
    loud = -0.691 + 10 * np.log10(np.maximum(blocks, 1e-20))
    gated = blocks[loud > -70]
    if gated.size == 0:
        return -70.0
    relative = -0.691 + 10 * np.log10(gated.mean()) - 10
    kept = blocks[(loud > -70) & (loud > relative)]
    return float(-0.691 + 10 * np.log10(kept.mean()))


# A 4x interpolator, as BS.1770's annex suggests: 12 taps per phase, Kaiser-windowed sinc.
_PHASES, _TAPS = 4, 12
_n = np.arange(_PHASES * _TAPS) - (_PHASES * _TAPS - 1) / 2
_FIR = (np.sinc(_n / _PHASES) * np.kaiser(_n.size, 6.0)).reshape(_TAPS, _PHASES).T


# An interpolated point can exceed the sample peak only where a sample near it is within this factor of
# it: so only the neighbourhoods of the loudest samples need interpolating.
_GAIN_BOUND = float(np.abs(_FIR).sum(axis=1).max())


def true_peak(x: np.ndarray) -> float:
    """The highest absolute value of the 4x-oversampled signal (linear), the loop wrapped around."""
    n = x.shape[1]
    peak = float(np.abs(x).max())
    loud = np.flatnonzero(np.abs(x).max(axis=0) >= peak / _GAIN_BOUND)
    near = np.unique((loud[:, None] + np.arange(-_TAPS, _TAPS + 1)).ravel() % n)
    taps = (near[:, None] + np.arange(_TAPS) - _TAPS // 2) % n
    for channel in x:
        peak = max(peak, float(np.abs(channel[taps] @ _FIR.T).max()))
    return peak


def _limit(x: np.ndarray, ceiling: float, rate: int) -> np.ndarray:
    """A look-ahead limiter without clicks: the gain each ~6 ms block needs, widened to its
    neighbours (so it comes down before a peak and back up after it) and smoothed, all circular."""
    block = max(1, rate // 160)
    n = x.shape[1]
    pad = (-n) % block
    level = np.abs(np.pad(x, ((0, 0), (0, pad)), mode="wrap")).max(axis=0).reshape(-1, block).max(axis=1)
    need = np.minimum(1.0, ceiling / np.maximum(level, 1e-12))
    reach = 3
    widened = need.copy()
    for k in range(1, reach + 2):  # one block wider than the smoothing, so the average never exceeds need
        widened = np.minimum(widened, np.minimum(np.roll(need, k), np.roll(need, -k)))
    smooth = sum(np.roll(widened, k) for k in range(-reach, reach + 1)) / (2 * reach + 1)
    centres = np.arange(smooth.size) * block + block / 2
    gain = np.interp(np.arange(n), centres, smooth, period=smooth.size * block)
    return x * gain


def _to_target(x: np.ndarray, rate: int) -> np.ndarray:
    return x * 10 ** ((TARGET_LUFS - integrated_lufs(x, rate)) / 20)


def master(x: np.ndarray, rate: int) -> np.ndarray:
    """`x` at TARGET_LUFS with its true peak under the ceiling: gain from a measurement, then, where
    the peaks are too high, the limiter and the gain again (limiting takes some loudness away; the
    limiter aims a little low so that gain does not push the peaks back over). Loudness and true peak
    scale with gain, so each is measured only when the shape of the signal changed."""
    ceiling = 10 ** (_MASTER_CEILING_DBTP / 20)
    y = _to_target(x.astype(np.float64), rate)
    for _ in range(3):
        peak = true_peak(y)
        if peak <= ceiling:
            return y.astype(np.float32)
        y = _to_target(_limit(y, ceiling * 0.93, rate), rate)
    # Rare: a little under the target beats a peak over the ceiling.
    return (y * min(1.0, ceiling / true_peak(y))).astype(np.float32)
