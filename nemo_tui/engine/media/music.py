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

from . import instruments as ins
from .ffmpeg import run_ffmpeg
from .loudness import master
from .vocabulary import prompt_digest

RATE = ins.RATE


@dataclass(frozen=True)
class Style:
    bpm: float
    chords: tuple[tuple[int, ...], ...]  # MIDI notes, one chord per `bars_per_chord` bars
    bars_per_chord: int
    lowpass_hz: float
    reverb_s: float
    lead_octave: int  # the melody plays the chord's tones this many octaves up
    lead_gain: float


STYLES: dict[str, Style] = {
    "lofi": Style(
        78, ((53, 57, 60, 64), (52, 55, 59, 62), (50, 53, 57, 60), (48, 52, 55, 59)), 1, 5500, 1.2, 1, 0.16
    ),
    "ambient": Style(
        60, ((57, 60, 64, 71), (53, 57, 60, 64), (48, 55, 60, 64), (55, 59, 62, 69)), 2, 6000, 4.0, 1, 0.05
    ),
    "upbeat": Style(
        122, ((48, 55, 60, 64), (43, 55, 59, 62), (45, 57, 60, 64), (41, 53, 57, 60)), 1, 10000, 0.8, 1, 0.14
    ),
    "cinematic": Style(
        68, ((45, 57, 60, 64), (41, 53, 57, 60), (48, 55, 60, 67), (43, 55, 59, 62)), 2, 8000, 3.0, 1, 0.08
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


def _filter_and_reverb(x: np.ndarray, style: Style, rng: np.random.Generator) -> np.ndarray:
    """Circular tone shaping and reverb over exactly one loop, so they also wrap seamlessly.

    The tone: a high-pass under 40 Hz (rumble nobody hears takes headroom from what they do), a gentle
    low-pass at the style's brightness, and no boost anywhere (brightness comes from the voices)."""
    n = x.shape[1]
    spec = np.fft.rfft(x, axis=1)
    f = np.fft.rfftfreq(n, 1 / RATE)
    with np.errstate(divide="ignore"):
        spec *= 1 / np.sqrt(1 + (40.0 / np.maximum(f, 1e-3)) ** 4)
    spec *= 1 / np.sqrt(1 + (f / style.lowpass_hz) ** 4)
    if style.reverb_s > 0:
        length = min(int(style.reverb_s * RATE), n)
        t = np.arange(length) / RATE
        ir = rng.standard_normal((2, length)) * np.exp(-t * 6.9 / style.reverb_s)
        ir[:, : int(0.01 * RATE)] = 0  # a short pre-delay keeps the dry attack clear
        ir /= np.sqrt((ir**2).sum(axis=1, keepdims=True))
        spec = spec * 0.78 + spec * np.fft.rfft(ir, n=n, axis=1) * 0.42
    return np.fft.irfft(spec, n=n, axis=1).astype(np.float32)


def _motif(rng: np.random.Generator) -> list[tuple[int, int, int]]:
    """A two-bar melody as (eighth-note slot 0-15, chord-tone index, length in eighths): chosen once per
    track and replayed over each chord, so the tune repeats the way songs do."""
    slots = sorted(rng.choice(16, size=int(rng.integers(5, 8)), replace=False))
    slots = [0, *[s for s in slots if s]]
    lengths = [max(1, b - a) for a, b in zip(slots, [*slots[1:], 16], strict=True)]
    return [(int(s), int(rng.integers(0, 6)), n) for s, n in zip(slots, lengths, strict=True)]


def synthesize(style_name: str, duration_s: float, seed: int = 0) -> np.ndarray:
    """The loop as float32 stereo samples (2, n) at 44.1 kHz, mastered to -16 LUFS integrated with its
    true peak under -1 dBTP (see loudness.py), so every style plays at the same level."""
    name = resolve_style(style_name)
    style = STYLES[name]
    rng = np.random.default_rng(prompt_digest(name, seed))
    n = round(duration_s * RATE)
    # A whole number of bars, by nudging the tempo: the downbeat lands exactly on the loop point.
    bars = max(1, round(duration_s * style.bpm / 240))
    beat = duration_s / (bars * 4)
    track = _Track(n, int(4.5 * RATE))
    motif = _motif(rng)
    for bar in range(bars):
        chord = style.chords[(bar // style.bars_per_chord) % len(style.chords)]
        t0 = bar * 4 * beat
        first_of_chord = bar % style.bars_per_chord == 0
        _play_bar(track, name, chord, t0, beat, first_of_chord, style, rng)
    for bar in range(0, bars, 2):
        for slot, degree, length in motif:  # each note over the chord of the bar it falls in
            chord = style.chords[((bar + slot // 8) // style.bars_per_chord) % len(style.chords)]
            note = chord[degree % len(chord)] + 12 * (style.lead_octave + degree // len(chord))
            start = (bar * 4 + slot / 2) * beat
            track.add(start, ins.pluck(ins.hz(note), length * beat / 2), style.lead_gain, pan=0.15)
    if name == "lofi":  # vinyl: a soft hiss and sparse crackles
        hiss = rng.standard_normal((2, n)).astype(np.float32) * 0.004
        pops = rng.random((2, n)) < 3e-4
        hiss[pops] += rng.uniform(-0.15, 0.15, pops.sum())
        track.buf[:, :n] += hiss
    return master(_filter_and_reverb(track.folded(), style, rng), RATE)


def _play_bar(
    track: _Track, name: str, chord, t0: float, beat: float, first: bool, style: Style, rng
) -> None:
    root = chord[0] - 12
    hz = ins.hz
    if name == "lofi":
        for k, note in enumerate(chord):  # a lazy strum
            track.add(t0 + 0.02 * k, ins.keys(hz(note + 12), beat * 3.5, rng), 0.2, pan=-0.3 + 0.2 * k)
        track.add(t0 + beat * 2.5, ins.keys(hz(chord[-1] + 24), beat * 0.8, rng), 0.1, pan=0.3)
        track.add(t0, ins.bass(hz(root), beat * 2.4), 0.26)
        track.add(t0 + beat * 2.75, ins.bass(hz(root + 7), beat * 1.0), 0.2)
        for b in (0, 2.5):
            track.add(t0 + b * beat, ins.kick(0.8), 0.34)
        for b in (1, 3):
            track.add(t0 + b * beat, ins.snare(rng), 0.24, pan=0.1)
        for e in range(8):  # swung eighths
            swing = 0.16 * beat if e % 2 else 0.0
            hat = ins.noise_hit(rng, 0.06, 70, True)
            track.add(t0 + e * beat / 2 + swing, hat, 0.14 + 0.06 * (e % 2 == 0), pan=0.35)
    elif name == "ambient":
        if first:
            length = beat * 4 * style.bars_per_chord
            for k, note in enumerate(chord):
                pan = (-0.5, 0.5, -0.2, 0.2)[k]
                track.add(t0, ins.pad(hz(note), length, attack=2.0), 0.1, pan=pan)
            track.add(t0, ins.pad(hz(root), length, attack=2.0, harmonics=5), 0.07)
        for b in rng.choice(8, size=3, replace=False):  # sparse bell notes over the pad
            note = chord[int(rng.integers(0, len(chord)))] + 12
            track.add(
                t0 + b * beat / 2, ins.keys(hz(note), beat, rng), 0.06, pan=float(rng.uniform(-0.7, 0.7))
            )
        track.add(t0 + beat * 2, ins.shaker(rng, 0.4), 0.03, pan=-0.4)  # a breath of air, once a bar
    elif name == "upbeat":
        for b in range(4):
            track.add(t0 + b * beat, ins.kick(1.0), 0.27)
            track.add(t0 + (b + 0.5) * beat, ins.noise_hit(rng, 0.12, 30, True), 0.18, pan=0.3)
            track.add(t0 + (b + 0.5) * beat, ins.bass(hz(root), beat * 0.45), 0.2)
            for s in (0, 0.25, 0.5, 0.75):  # sixteenth shakers, accented on the beat
                track.add(t0 + (b + s) * beat, ins.shaker(rng), 0.08 + 0.04 * (s == 0), pan=-0.35)
        for b in (1, 3):
            track.add(t0 + b * beat, ins.snare(rng), 0.34)
        for b in (0, 1.5, 2.5, 3.5):  # syncopated chord stabs
            for k, note in enumerate(chord[1:]):
                track.add(t0 + b * beat, ins.keys(hz(note + 12), beat * 0.4, rng), 0.15, pan=-0.4 + 0.4 * k)
    else:  # cinematic
        if first:
            length = beat * 4 * style.bars_per_chord
            for k, note in enumerate(chord):
                pan = (-0.6, 0.6, -0.3, 0.3)[k]
                track.add(t0, ins.pad(hz(note), length, attack=1.0, harmonics=10), 0.11, pan=pan)
            track.add(t0, ins.bass(hz(root), length), 0.2)
        for e in range(8):  # a string ostinato up high keeps it moving
            note = chord[(e * 3) % len(chord)] + 12
            track.add(t0 + e * beat / 2, ins.pluck(hz(note), beat / 2), 0.1, pan=0.4 - 0.1 * (e % 2))
        track.add(t0, ins.kick(1.0), 0.42)
        track.add(t0 + beat * 2.5, ins.kick(0.7), 0.32)
        track.add(t0 + beat * 3, ins.kick(0.6), 0.28)


_PRIMING = 2048  # two AAC frames of the loop's end, heard by the encoder before the loop starts


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
            # AAC codes each frame with its neighbours: started from silence, the first frame smears
            # the downbeat (errors of 0.3 full scale, peaks over 0 dBTP). So the encoder first hears
            # the loop's last samples, timed before zero, and the MP4 edit list drops them again.
            lead_in = samples[:, np.arange(-_PRIMING, 0) % samples.shape[1]]  # wraps for tiny loops
            primed = np.concatenate([lead_in, samples], axis=1)
            interleaved = np.ascontiguousarray(primed.T).astype("<f4").tobytes()
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
                "-af",
                f"asetpts=PTS-{_PRIMING}/SR/TB",
                "-avoid_negative_ts",
                "disabled",
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
