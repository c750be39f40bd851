"""The voices the music generator plays: short numpy synths, each returning mono (n,) or stereo (2, n)
float32 samples at RATE, with room after the note for it to ring out.

Small speakers (phones, laptops) reproduce little under ~250 Hz, so every low voice also carries
harmonics above it (the ear hears the missing fundamental), and the arrangements lean on mid-range
voices (keys, plucks, pads) and hats for their presence rather than on sub-bass.
"""

from __future__ import annotations

import numpy as np

RATE = 44100


def hz(note: float) -> float:
    return 440.0 * 2 ** ((note - 69) / 12)


def time_axis(dur_s: float) -> np.ndarray:
    return np.arange(int(dur_s * RATE), dtype=np.float32) / RATE


def keys(freq: float, dur: float, rng: np.random.Generator) -> np.ndarray:
    """A soft electric-piano note: a sine with quickly fading bell partials and a slow tremolo."""
    t = time_axis(dur + 1.2)
    env = np.minimum(t / 0.006, 1) * np.exp(-t * 2.2) * np.exp(-np.maximum(t - dur, 0) * 8)
    tone = np.sin(2 * np.pi * freq * t) + 0.45 * np.exp(-t * 6) * np.sin(2 * np.pi * freq * 2.0 * t)
    tone += 0.18 * np.exp(-t * 10) * np.sin(2 * np.pi * freq * 3.01 * t + rng.uniform(0, 6))
    tone += 0.08 * np.exp(-t * 16) * np.sin(2 * np.pi * freq * 4.02 * t)
    detune = np.sin(2 * np.pi * freq * 1.003 * t)  # the right channel beats slowly against the left
    trem = 1 + 0.15 * np.sin(2 * np.pi * 4.5 * t)
    return np.stack([tone * env * trem, (0.6 * tone + 0.4 * detune) * env * trem]).astype(np.float32)


def pluck(freq: float, dur: float) -> np.ndarray:
    """A plucked-string lead: harmonics that die away faster the higher they are (mono)."""
    t = time_axis(dur + 0.6)
    out = np.zeros_like(t)
    for k in range(1, 7):
        if freq * k > 9000:  # nothing up where it would only sound harsh
            break
        out += np.sin(2 * np.pi * freq * k * t) * np.exp(-t * (3 + 4 * k)) / k
    attack = np.minimum(t / 0.003, 1)
    return (out * attack * np.exp(-np.maximum(t - dur, 0) * 12)).astype(np.float32)


def pad(freq: float, dur: float, attack: float = 1.2, harmonics: int = 8) -> np.ndarray:
    """A warm pad: detuned, softly band-limited saws with a slow swell and release, with a slow
    filter-like shimmer (the upper harmonics breathe) so a long chord does not sit still."""
    t = time_axis(dur + 2.5)
    env = np.minimum(t / attack, 1) * np.exp(-np.maximum(t - dur, 0) * 2.2)
    breathe = 0.75 + 0.25 * np.sin(2 * np.pi * 0.23 * t)
    voices = []
    for detune in (0.996, 1.004):
        wave_ = np.zeros_like(t)
        for k in range(1, harmonics + 1):
            weight = 1 / k if k <= 2 else breathe / k
            wave_ += weight * np.sin(2 * np.pi * freq * detune * k * t)
        voices.append(wave_ * env)
    return (np.stack(voices) * 0.5).astype(np.float32)


def bass(freq: float, dur: float) -> np.ndarray:
    """A round bass with enough 2nd-4th harmonics to be heard on a phone."""
    t = time_axis(dur + 0.1)
    env = np.minimum(t / 0.005, 1) * np.exp(-t * 1.5) * np.exp(-np.maximum(t - dur, 0) * 40)
    tone = np.sin(2 * np.pi * freq * t) + 0.45 * np.sin(4 * np.pi * freq * t)
    tone += 0.25 * np.sin(6 * np.pi * freq * t) + 0.12 * np.sin(8 * np.pi * freq * t)
    return (tone * env).astype(np.float32)


def kick(strength: float = 1.0) -> np.ndarray:
    """A kick with a short click on top: the thump is felt, the click is what a phone plays."""
    t = time_axis(0.4)
    freq = 48 + 90 * np.exp(-t * 30)
    phase = 2 * np.pi * np.cumsum(freq) / RATE
    body = np.sin(phase) * np.exp(-t * 11)
    click = np.sin(2 * np.pi * 1800 * t) * np.exp(-t * 220) * 0.35
    return ((body + click) * strength).astype(np.float32)


def noise_hit(rng: np.random.Generator, dur: float, decay: float, bright: bool) -> np.ndarray:
    t = time_axis(dur)
    noise = rng.standard_normal(t.size).astype(np.float32)
    if bright:  # differencing tilts the noise towards the highs: a hat, not a hiss
        noise = np.diff(noise, prepend=0) * 0.5
    return noise * np.exp(-t * decay)


def shaker(rng: np.random.Generator, dur: float = 0.09) -> np.ndarray:
    """A soft shaker: noise with a quick swell and fall, centred a few kHz up, never sizzling."""
    t = time_axis(dur)
    noise = np.diff(rng.standard_normal(t.size + 1)).astype(np.float32) * 0.5
    smooth = np.convolve(noise, np.ones(3, np.float32) / 3, mode="same")  # takes the top octave off
    return smooth * np.sin(np.pi * t / dur) ** 2


def snare(rng: np.random.Generator) -> np.ndarray:
    t = time_axis(0.3)
    body = 0.5 * np.sin(2 * np.pi * 190 * t) * np.exp(-t * 30) + 0.25 * np.sin(2 * np.pi * 330 * t) * np.exp(
        -t * 40
    )
    return 0.35 * noise_hit(rng, 0.3, 22, False) + body
