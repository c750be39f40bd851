"""Procedural background music: loopable tracks synthesised with numpy, encoded to AAC (m4a) or WAV.

Loops are seamless by construction: the tempo is nudged so the track holds a whole number of bars, the
sound that rings past the end (reverb, decaying notes) is folded back onto the start, and filtering and
reverb are circular (done in the frequency domain over exactly one loop).
"""

from __future__ import annotations

import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .ffmpeg import run_ffmpeg
from .vocabulary import prompt_digest

RATE = 44100


@dataclass(frozen=True)
class Style:
    bpm: float
    chords: tuple[tuple[int, ...], ...]  # MIDI notes, one chord per `bars_per_chord` bars
    bars_per_chord: int
    lowpass_hz: float
    reverb_s: float


STYLES: dict[str, Style] = {
    "lofi": Style(78, ((53, 57, 60, 64), (52, 55, 59, 62), (50, 53, 57, 60), (48, 52, 55, 59)), 1, 3200, 1.2),
    "ambient": Style(
        60, ((57, 60, 64, 71), (53, 57, 60, 64), (48, 55, 60, 64), (55, 59, 62, 69)), 2, 5000, 4.0
    ),
    "upbeat": Style(
        122, ((48, 55, 60, 64), (43, 55, 59, 62), (45, 57, 60, 64), (41, 53, 57, 60)), 1, 12000, 0.8
    ),
    "cinematic": Style(
        68, ((45, 57, 60, 64), (41, 53, 57, 60), (48, 55, 60, 67), (43, 55, 59, 62)), 2, 6000, 3.0
    ),
}

ALIASES = {
    "lo-fi": "lofi",
    "lo fi": "lofi",
    "chill": "lofi",
    "chillhop": "lofi",
    "jazz": "lofi",
    "jazzy": "lofi",
    "relaxed": "lofi",
    "轻松": "lofi",
    "舒缓": "lofi",
    "低保真": "lofi",
    "calm": "ambient",
    "pad": "ambient",
    "meditation": "ambient",
    "peaceful": "ambient",
    "dreamy": "ambient",
    "氛围": "ambient",
    "平静": "ambient",
    "空灵": "ambient",
    "happy": "upbeat",
    "energetic": "upbeat",
    "pop": "upbeat",
    "dance": "upbeat",
    "edm": "upbeat",
    "fast": "upbeat",
    "欢快": "upbeat",
    "动感": "upbeat",
    "活力": "upbeat",
    "epic": "cinematic",
    "dramatic": "cinematic",
    "film": "cinematic",
    "史诗": "cinematic",
    "电影": "cinematic",
}
DEFAULT_STYLE = "lofi"


def resolve_style(style: str | None) -> str:
    """The style to play for a requested name; anything unknown gets the mellow default."""
    key = (style or "").strip().lower()
    if key in STYLES:
        return key
    for word, name in ALIASES.items():
        if word in key:
            return name
    for name in STYLES:
        if name in key:
            return name
    return DEFAULT_STYLE


def _hz(note: float) -> float:
    return 440.0 * 2 ** ((note - 69) / 12)


class _Track:
    """A stereo buffer with room past the loop for ringing notes, folded back at the end."""

    def __init__(self, n: int, tail: int):
        self.n = n
        self.buf = np.zeros((2, n + tail), np.float32)

    def add(self, start_s: float, sound: np.ndarray, gain: float = 1.0, pan: float = 0.0) -> None:
        i = int(start_s * RATE)
        if i >= self.n or sound.size == 0:
            return
        end = min(i + sound.shape[-1], self.buf.shape[1])
        part = sound[..., : end - i]
        left, right = gain * np.sqrt(0.5 - pan / 2), gain * np.sqrt(0.5 + pan / 2)
        if part.ndim == 1:
            self.buf[0, i:end] += left * part
            self.buf[1, i:end] += right * part
        else:
            self.buf[0, i:end] += left * part[0]
            self.buf[1, i:end] += right * part[1]

    def folded(self) -> np.ndarray:
        out = self.buf[:, : self.n].copy()
        tail = self.buf[:, self.n :]
        for k in range(0, tail.shape[1], self.n):  # a tail longer than a short loop wraps again
            chunk = tail[:, k : k + self.n]
            out[:, : chunk.shape[1]] += chunk
        return out


def _time(dur_s: float) -> np.ndarray:
    return np.arange(int(dur_s * RATE), dtype=np.float32) / RATE


def _keys(freq: float, dur: float, rng: np.random.Generator) -> np.ndarray:
    """A soft electric-piano note: a sine with quickly fading bell partials and a slow tremolo."""
    t = _time(dur + 1.2)
    env = np.minimum(t / 0.006, 1) * np.exp(-t * 2.2) * np.exp(-np.maximum(t - dur, 0) * 8)
    tone = np.sin(2 * np.pi * freq * t) + 0.35 * np.exp(-t * 7) * np.sin(2 * np.pi * freq * 2.0 * t)
    tone += 0.12 * np.exp(-t * 12) * np.sin(2 * np.pi * freq * 3.01 * t + rng.uniform(0, 6))
    detune = np.sin(2 * np.pi * freq * 1.003 * t)  # the right channel beats slowly against the left
    trem = 1 + 0.15 * np.sin(2 * np.pi * 4.5 * t)
    return np.stack([tone * env * trem, (0.6 * tone + 0.4 * detune) * env * trem]).astype(np.float32)


def _pad(freq: float, dur: float, attack: float = 1.2) -> np.ndarray:
    """A warm pad: detuned, softly band-limited saws with a slow swell and release."""
    t = _time(dur + 2.5)
    env = np.minimum(t / attack, 1) * np.exp(-np.maximum(t - dur, 0) * 2.2)
    voices = []
    for detune in (0.996, 1.004):
        wave_ = sum(np.sin(2 * np.pi * freq * detune * k * t) / k for k in range(1, 7))
        voices.append(wave_ * env)
    return (np.stack(voices) * 0.5).astype(np.float32)


def _bass(freq: float, dur: float) -> np.ndarray:
    t = _time(dur + 0.1)
    env = np.minimum(t / 0.005, 1) * np.exp(-t * 1.5) * np.exp(-np.maximum(t - dur, 0) * 40)
    return ((np.sin(2 * np.pi * freq * t) + 0.25 * np.sin(4 * np.pi * freq * t)) * env).astype(np.float32)


def _kick(strength: float = 1.0) -> np.ndarray:
    t = _time(0.45)
    freq = 45 + 85 * np.exp(-t * 30)
    phase = 2 * np.pi * np.cumsum(freq) / RATE
    return (np.sin(phase) * np.exp(-t * 9) * strength).astype(np.float32)


def _noise_hit(rng: np.random.Generator, dur: float, decay: float, bright: bool) -> np.ndarray:
    t = _time(dur)
    noise = rng.standard_normal(t.size).astype(np.float32)
    if bright:  # differencing tilts the noise towards the highs: a hat, not a hiss
        noise = np.diff(noise, prepend=0) * 0.5
    return noise * np.exp(-t * decay)


def _snare(rng: np.random.Generator) -> np.ndarray:
    t = _time(0.3)
    return 0.3 * _noise_hit(rng, 0.3, 22, False) + 0.5 * np.sin(2 * np.pi * 190 * t) * np.exp(-t * 30)


def _filter_and_reverb(x: np.ndarray, style: Style, rng: np.random.Generator) -> np.ndarray:
    """Circular low-pass and reverb over exactly one loop, so they also wrap seamlessly."""
    n = x.shape[1]
    spec = np.fft.rfft(x, axis=1)
    f = np.fft.rfftfreq(n, 1 / RATE)
    spec *= 1 / np.sqrt(1 + (f / style.lowpass_hz) ** 4)
    if style.reverb_s > 0:
        length = min(int(style.reverb_s * RATE), n)
        t = np.arange(length) / RATE
        ir = rng.standard_normal((2, length)) * np.exp(-t * 6.9 / style.reverb_s)
        ir[:, : int(0.01 * RATE)] = 0  # a short pre-delay keeps the dry attack clear
        ir /= np.sqrt((ir**2).sum(axis=1, keepdims=True))
        wet = np.fft.irfft(spec * np.fft.rfft(ir, n=n, axis=1), n=n, axis=1)
        dry = np.fft.irfft(spec, n=n, axis=1)
        return (dry * 0.78 + wet * 0.42).astype(np.float32)
    return np.fft.irfft(spec, n=n, axis=1).astype(np.float32)


def synthesize(style_name: str, duration_s: float, seed: int = 0) -> np.ndarray:
    """The loop as float32 stereo samples (2, n) at 44.1 kHz, peaking at -4 dBFS."""
    name = resolve_style(style_name)
    style = STYLES[name]
    rng = np.random.default_rng(prompt_digest(name, seed))
    n = round(duration_s * RATE)
    # A whole number of bars, by nudging the tempo: the downbeat lands exactly on the loop point.
    bars = max(1, round(duration_s * style.bpm / 240))
    beat = duration_s / (bars * 4)
    track = _Track(n, int(4.5 * RATE))
    for bar in range(bars):
        chord = style.chords[(bar // style.bars_per_chord) % len(style.chords)]
        t0 = bar * 4 * beat
        first_of_chord = bar % style.bars_per_chord == 0
        _play_bar(track, name, chord, t0, beat, first_of_chord, style, rng)
    if name == "lofi":  # vinyl: a soft hiss and sparse crackles
        hiss = rng.standard_normal((2, n)).astype(np.float32) * 0.004
        pops = rng.random((2, n)) < 3e-4
        hiss[pops] += rng.uniform(-0.15, 0.15, pops.sum())
        track.buf[:, :n] += hiss
    out = _filter_and_reverb(track.folded(), style, rng)
    out = np.tanh(out / (np.abs(out).max() + 1e-9) * 1.2)
    # -4 dBFS peaks: AAC overshoots dense material by up to ~3 dB, and the mix must never clip.
    return (out / (np.abs(out).max() + 1e-9) * 0.63).astype(np.float32)


def _play_bar(
    track: _Track, name: str, chord, t0: float, beat: float, first: bool, style: Style, rng
) -> None:
    root = chord[0] - 12
    if name == "lofi":
        for k, note in enumerate(chord):  # a lazy strum
            track.add(t0 + 0.02 * k, _keys(_hz(note), beat * 3.5, rng), 0.22, pan=-0.3 + 0.2 * k)
        track.add(t0 + beat * 2.5, _keys(_hz(chord[-1] + 12), beat * 0.8, rng), 0.1, pan=0.3)
        track.add(t0, _bass(_hz(root), beat * 2.4), 0.42)
        track.add(t0 + beat * 2.75, _bass(_hz(root + 7), beat * 1.0), 0.3)
        for b in (0, 2.5):
            track.add(t0 + b * beat, _kick(0.8), 0.55)
        for b in (1, 3):
            track.add(t0 + b * beat, _snare(rng), 0.22, pan=0.1)
        for e in range(8):  # swung eighths
            swing = 0.16 * beat if e % 2 else 0.0
            track.add(
                t0 + e * beat / 2 + swing,
                _noise_hit(rng, 0.06, 70, True),
                0.06 + 0.03 * (e % 2 == 0),
                pan=0.35,
            )
    elif name == "ambient":
        if first:
            length = beat * 4 * style.bars_per_chord
            for k, note in enumerate(chord):
                track.add(t0, _pad(_hz(note), length, attack=2.0), 0.1, pan=(-0.5, 0.5, -0.2, 0.2)[k])
            track.add(t0, _pad(_hz(root), length, attack=2.0), 0.08)
        for b in rng.choice(8, size=3, replace=False):  # sparse bell notes over the pad
            note = chord[int(rng.integers(0, len(chord)))] + 12
            track.add(t0 + b * beat / 2, _keys(_hz(note), beat, rng), 0.06, pan=float(rng.uniform(-0.7, 0.7)))
    elif name == "upbeat":
        for b in range(4):
            track.add(t0 + b * beat, _kick(1.0), 0.6)
            track.add(t0 + (b + 0.5) * beat, _noise_hit(rng, 0.12, 30, True), 0.1, pan=0.3)
            track.add(t0 + (b + 0.5) * beat, _bass(_hz(root), beat * 0.45), 0.38)
        for b in (1, 3):
            track.add(t0 + b * beat, _snare(rng), 0.32)
        for b in (0, 1.5, 2.5, 3.5):  # syncopated chord stabs
            for k, note in enumerate(chord[1:]):
                track.add(t0 + b * beat, _keys(_hz(note), beat * 0.4, rng), 0.11, pan=-0.4 + 0.4 * k)
    else:  # cinematic
        if first:
            length = beat * 4 * style.bars_per_chord
            for k, note in enumerate(chord):
                track.add(t0, _pad(_hz(note), length, attack=1.0), 0.11, pan=(-0.6, 0.6, -0.3, 0.3)[k])
            track.add(t0, _bass(_hz(root), length), 0.5)
        track.add(t0, _kick(1.0), 0.7)
        track.add(t0 + beat * 2.5, _kick(0.7), 0.45)
        track.add(t0 + beat * 3, _kick(0.6), 0.4)


def generate_music(style: str, duration_s: float, out_path: Path, *, seed: int = 0) -> Path:
    """Write a loopable `style` track of `duration_s` seconds: AAC in .m4a (or .mp4/.aac), else WAV
    when out_path ends in .wav. Unknown styles play the default (lo-fi). Returns out_path."""
    if not duration_s or duration_s <= 0:
        raise ValueError("music needs a positive duration")
    duration_s = min(float(duration_s), 600.0)
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    samples = synthesize(style, duration_s, seed)
    tmp = out_path.with_name(f".{out_path.name}.part")
    try:
        if out_path.suffix.lower() == ".wav":
            pcm = (np.clip(samples.T, -1, 1) * 32767).astype("<i2")
            with wave.open(str(tmp), "wb") as w:
                w.setnchannels(2)
                w.setsampwidth(2)
                w.setframerate(RATE)
                w.writeframes(pcm.tobytes())
        else:
            interleaved = np.ascontiguousarray(samples.T).astype("<f4").tobytes()
            args = [
                "-y",
                "-f",
                "f32le",
                "-ar",
                str(RATE),
                "-ac",
                "2",
                "-i",
                "pipe:0",
                "-c:a",
                "aac",
                "-b:a",
                "160k",
                "-movflags",
                "+faststart",
                "-f",
                "mp4",
                str(tmp),
            ]
            run_ffmpeg(args, duration_s=duration_s, feed_stdin=lambda pipe: pipe.write(interleaved))
        tmp.replace(out_path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return out_path
