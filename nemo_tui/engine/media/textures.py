"""Small numpy building blocks for the scene painter: smooth noise, palettes, blending."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

F32 = np.float32


def smoothstep(e0: float, e1: float, x: np.ndarray) -> np.ndarray:
    t = np.clip((x - e0) / (e1 - e0), 0.0, 1.0)
    return t * t * (3.0 - 2.0 * t)


def fbm_2d(rng: np.random.Generator, h: int, w: int, beta: float = 2.2) -> np.ndarray:
    """Tileable fractal noise in 0..1: white noise shaped by 1/f^beta in the Fourier domain."""
    fy = np.fft.fftfreq(h)[:, None]
    fx = np.fft.rfftfreq(w)[None, :]
    f = np.sqrt(fx * fx + fy * fy)
    f[0, 0] = 1.0
    spectrum = np.fft.rfft2(rng.standard_normal((h, w))) / f ** (beta / 2)
    spectrum[0, 0] = 0
    n = np.fft.irfft2(spectrum, s=(h, w))
    n = (n - n.min()) / (n.max() - n.min())
    return n.astype(F32)


def fbm_1d(rng: np.random.Generator, n: int, beta: float = 2.0) -> np.ndarray:
    """Tileable fractal noise in -1..1 (ridge lines, flicker)."""
    f = np.fft.rfftfreq(n)
    f[0] = 1.0
    spectrum = np.fft.rfft(rng.standard_normal(n)) / f ** (beta / 2)
    spectrum[0] = 0
    s = np.fft.irfft(spectrum, n)
    return (s / np.abs(s).max()).astype(F32)


def sample_1d(table: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Linear lookup into a periodic 1-D table, x in table cells."""
    n = table.shape[0]
    i0 = np.floor(x).astype(np.int64)
    frac = (x - i0).astype(F32)
    i0 %= n
    return table[i0] * (1 - frac) + table[(i0 + 1) % n] * frac


def sample_2d(tex: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Bilinear, periodic lookup of rows x cols (1-D float coordinates in texels)."""
    h, w = tex.shape
    r0 = np.floor(rows).astype(np.int64)
    fr = (rows - r0).astype(F32)[:, None]
    c0 = np.floor(cols).astype(np.int64)
    fc = (cols - c0).astype(F32)[None, :]
    r0 %= h
    c0 %= w
    c1 = (c0 + 1) % w
    top = tex[r0]
    bottom = tex[(r0 + 1) % h]
    upper = top[:, c0] * (1 - fc) + top[:, c1] * fc
    lower = bottom[:, c0] * (1 - fc) + bottom[:, c1] * fc
    return upper * (1 - fr) + lower * fr


def gradient_rows(stops: list[tuple[float, tuple[float, float, float]]], s: np.ndarray) -> np.ndarray:
    """Colours (n, 3) along s from (position, rgb) stops."""
    pos = np.array([p for p, _ in stops], dtype=F32)
    cols = np.array([c for _, c in stops], dtype=F32)
    return np.stack([np.interp(s, pos, cols[:, k]) for k in range(3)], axis=-1).astype(F32)


def mix(a: np.ndarray, b: ArrayLike, t: ArrayLike) -> np.ndarray:
    """a*(1-t) + b*t with t broadcast over the colour axis."""
    t = np.asarray(t, dtype=F32)
    t = t[..., None] if t.ndim == a.ndim - 1 else t
    return a + (np.asarray(b, dtype=F32) - a) * t


def splat(
    img: np.ndarray, px: np.ndarray, py: np.ndarray, color, weight: np.ndarray, radius: int = 0
) -> None:
    """Add point lights (stars, flakes, embers) into img; radius 1 adds a soft cross around each."""
    h, w, _ = img.shape
    flat = img.reshape(-1, 3)
    col = np.asarray(color, dtype=F32)
    offsets = [(0, 0, 1.0)]
    if radius >= 1:
        offsets += [(-1, 0, 0.45), (1, 0, 0.45), (0, -1, 0.45), (0, 1, 0.45)]
    if radius >= 2:
        offsets += [(-1, -1, 0.2), (1, 1, 0.2), (-1, 1, 0.2), (1, -1, 0.2)]
    for dy, dx, k in offsets:
        x = px + dx
        y = py + dy
        ok = (x >= 0) & (x < w) & (y >= 0) & (y < h)
        np.add.at(flat, y[ok] * w + x[ok], (weight[ok] * k)[:, None] * col)
