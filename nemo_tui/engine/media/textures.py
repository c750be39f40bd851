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


def blur_columns(values: np.ndarray, sigma: float) -> np.ndarray:
    """A 1-D array blurred by a Gaussian of `sigma` samples (the ends held)."""
    radius = max(1, int(3 * sigma))
    kernel = np.exp(-0.5 * (np.arange(-radius, radius + 1) / max(sigma, 1e-3)) ** 2)
    padded = np.pad(values.astype(np.float64), radius, mode="edge")
    return np.convolve(padded, kernel / kernel.sum(), mode="valid").astype(F32)


def patches(values: np.ndarray, share: float, soft: float) -> np.ndarray:
    """0..1: where `values` (noise) stand in the top `share` of them, soft over `soft` above that
    level. Taking the level from the values themselves gives every sky its share of wisps, whatever
    part of the noise it happens to sample."""
    level = float(np.quantile(values, 1.0 - share))
    return smoothstep(level, level + soft, values)


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
    """Add point lights (stars, flakes, embers) into img at sub-pixel positions (pixels, centres at
    i + 0.5), each shared between the four nearest pixels so it glides; radius 1 adds a soft cross
    around each, radius 2 a softer ring."""
    h, w, _ = img.shape
    flat = img.reshape(-1, 3)
    col = np.asarray(color, dtype=F32)
    x, y = np.asarray(px, F32) - 0.5, np.asarray(py, F32) - 0.5
    x0, y0 = np.floor(x).astype(np.int64), np.floor(y).astype(np.int64)
    fx, fy = x - x0, y - y0
    weight = np.asarray(weight, F32)
    corners = (
        (0, 0, (1 - fx) * (1 - fy) * weight),
        (1, 0, fx * (1 - fy) * weight),
        (0, 1, (1 - fx) * fy * weight),
        (1, 1, fx * fy * weight),
    )
    offsets = [(0, 0, 1.0)]
    if radius >= 1:
        offsets += [(-1, 0, 0.45), (1, 0, 0.45), (0, -1, 0.45), (0, 1, 0.45)]
    if radius >= 2:
        offsets += [(-1, -1, 0.2), (1, 1, 0.2), (-1, 1, 0.2), (1, -1, 0.2)]
    where, amount = [], []
    for dy, dx, k in offsets:
        for cx, cy, share in corners:
            xi = x0 + dx + cx
            yi = y0 + dy + cy
            ok = (xi >= 0) & (xi < w) & (yi >= 0) & (yi < h)
            where.append(yi[ok] * w + xi[ok])
            amount.append(share[ok] * k)
    index = np.concatenate(where)
    if index.size == 0:
        return
    # Sum the shares per pixel (bincount is fast), then touch only the pixels that got light.
    pixels, inverse = np.unique(index, return_inverse=True)
    light = np.bincount(inverse, np.concatenate(amount)).astype(F32)
    flat[pixels] += light[:, None] * col


# numpy is slow at broadcasting over a last axis of 3 (an inner loop of three): these two work on
# whole rows of interleaved rgb instead, several times faster on a frame.
def add_light(img: np.ndarray, amount: np.ndarray, colour: ArrayLike) -> None:
    """img (rows, w, 3), C-contiguous, += amount (rows, w) times colour ((3,) or one per row (rows, 3))."""
    rows, w = amount.shape
    col = np.asarray(colour, dtype=F32)
    spread = np.repeat(amount.astype(F32, copy=False), 3, axis=1)
    spread *= np.tile(col, w) if col.ndim == 1 else np.tile(col, (1, w))
    flat = img.reshape(rows, w * 3)
    assert np.shares_memory(flat, img), "add_light needs a contiguous image"
    flat += spread


def scale_rgb(img: np.ndarray, amount: np.ndarray) -> None:
    """img (rows, w, 3), C-contiguous, *= amount (rows, w) in every channel."""
    rows, w = amount.shape
    flat = img.reshape(rows, w * 3)
    assert np.shares_memory(flat, img), "scale_rgb needs a contiguous image"
    flat *= np.repeat(amount.astype(F32, copy=False), 3, axis=1)
