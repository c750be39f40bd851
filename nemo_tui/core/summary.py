"""Timeline summaries in the seed's format, and what changed between two drafts.

    Timeline (3 tracks): 1. Video: city timelapse (0-10s) 2. BGM: Lo-fi (0-10s, 35%) 3. Title: "Urban Dreams" (0-3s)

Track labels: video → "Video"; audio → "BGM" unless its metadata says it is a voice-over or a sound
effect ("Audio"); text → "Title", or "Caption" when its metadata says caption/subtitle. Several
segments on one track are listed after the label, separated by commas.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ..languages import norm_lang
from ..protocol import Draft, Segment, Track, TrackType
from .i18n import format_seconds

_NOT_MUSIC = ("voice", "narration", "speech", "dialogue", "sfx", "effect", "sound_effect")
_CAPTION = ("caption", "subtitle")
_LABELS_ZH = {
    "Video": "视频",
    "BGM": "背景音乐",
    "Audio": "音频",
    "Title": "标题",
    "Caption": "字幕",
    "Track": "轨道",
}


def _secs(ms: int) -> str:
    """Seconds without a trailing ".0": 10000 → "10", 2500 → "2.5"; absurd ones short: "1e+297"."""
    if abs(ms) >= 10**12:  # a server's nonsense (30+ years) stays one short figure, not 300 digits
        return f"{ms / 1000:.3g}"
    return f"{round(ms / 1000, 1):.1f}".rstrip("0").rstrip(".")


def _meta_says(seg: Segment, words: tuple[str, ...]) -> bool:
    m = seg.metadata
    tags = " ".join(str(m.get(k, "")) for k in ("kind", "type", "role", "style", "category")).lower()
    return any(w in tags for w in words)


def track_label(track: Track) -> str:
    kind = track.kind
    if kind is TrackType.VIDEO:
        return "Video"
    if kind is TrackType.AUDIO:
        return "Audio" if any(_meta_says(s, _NOT_MUSIC) for s in track.segments) else "BGM"
    if kind is TrackType.TEXT:
        return "Caption" if any(_meta_says(s, _CAPTION) for s in track.segments) else "Title"
    return "Track"


def _segment_name(track: Track, seg: Segment) -> str:
    if track.kind is TrackType.TEXT:
        return f'"{seg.text if seg.text is not None else seg.name}"'
    return seg.name or "untitled"


def _describe_track(track: Track, lang: str) -> str:
    unit = "秒" if lang == "zh" else "s"
    parts = []
    for start, end, seg in track.layout():
        span = f"{_secs(start)}-{_secs(end)}{unit}"
        if track.kind is TrackType.AUDIO and seg.volume is not None:
            span += f", {round(seg.volume * 100)}%"
        parts.append(f"{_segment_name(track, seg)} ({span})")
    return ", ".join(parts) if parts else ("空" if lang == "zh" else "empty")


def timeline_summary(draft: Draft, lang: str = "en") -> str:
    """One line, the seed's format (Chinese labels when `lang` is Chinese)."""
    lang = norm_lang(lang)
    if not draft.tracks:
        return "时间线为空。" if lang == "zh" else "Timeline is empty."
    items = []
    for i, track in enumerate(draft.tracks, 1):
        label = track_label(track)
        if lang == "zh":
            items.append(f"{i}. {_LABELS_ZH[label]}：{_describe_track(track, lang)}")
        else:
            items.append(f"{i}. {label}: {_describe_track(track, lang)}")
    n = len(draft.tracks)
    if lang == "zh":
        return f"时间线（{n} 条轨道）：" + " ".join(items)
    return f"Timeline ({n} track{'s' if n != 1 else ''}): " + " ".join(items)


# ---- changes -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Item:
    label: str
    name: str
    duration_ms: int
    volume: float | None


def _items(draft: Draft) -> dict[tuple[str, str], list[_Item]]:
    out: dict[tuple[str, str], list[_Item]] = defaultdict(list)
    for track in draft.tracks:
        label = track_label(track)
        for start, end, seg in track.layout():  # the layout's span: a negative duration counts as 0
            name = _segment_name(track, seg)
            out[(label, name)].append(_Item(label, name, end - start, seg.volume))
    return out


_NOUNS = {
    "en": {
        "Video": "video",
        "BGM": "background music",
        "Audio": "audio",
        "Title": "title",
        "Caption": "caption",
        "Track": "clip",
    },
    "zh": {
        "Video": "视频",
        "BGM": "背景音乐",
        "Audio": "音频",
        "Title": "标题",
        "Caption": "字幕",
        "Track": "片段",
    },
}


def _quoted(item: _Item) -> str:
    return item.name if item.name.startswith('"') else f'"{item.name}"'


def _pct(volume: float | None) -> str:
    return "?" if volume is None else f"{round(volume * 100)}%"


def describe_changes(before: Draft, after: Draft, lang: str = "en") -> str | None:
    """A short human summary of what changed, or None when nothing did."""
    lang = norm_lang(lang)
    zh = lang == "zh"
    old, new = _items(before), _items(after)
    added: list[_Item] = []
    removed: list[_Item] = []
    lines: list[str] = []
    for key in list(dict.fromkeys([*old, *new])):
        a, b = old.get(key, []), new.get(key, [])
        for x, y in zip(a, b, strict=False):
            noun = _NOUNS[lang][x.label]
            if x.duration_ms != y.duration_ms:
                lines.append(
                    f"{noun}{_quoted(x)} {format_seconds(x.duration_ms / 1000, lang)} → "
                    f"{format_seconds(y.duration_ms / 1000, lang)}"
                    if zh
                    else f"{noun} {_quoted(x)} {format_seconds(x.duration_ms / 1000, lang)} → "
                    f"{format_seconds(y.duration_ms / 1000, lang)}"
                )
            if x.volume != y.volume:
                lines.append(
                    f"{_LABELS_ZH[x.label]}音量 {_pct(x.volume)} → {_pct(y.volume)}"
                    if zh
                    else f"{x.label} volume {_pct(x.volume)} → {_pct(y.volume)}"
                )
        removed.extend(a[len(b) :])
        added.extend(b[len(a) :])
    # A title whose text was edited shows up as one removed and one added on the same kind of track.
    for label in ("Title", "Caption"):
        gone = [r for r in removed if r.label == label]
        came = [a for a in added if a.label == label]
        if len(gone) == 1 and len(came) == 1:
            removed.remove(gone[0])
            added.remove(came[0])
            noun = _NOUNS[lang][label]
            lines.append(f"{noun}{'改为' if zh else ' changed'} {gone[0].name} → {came[0].name}")
    for item in added:
        noun, secs = _NOUNS[lang][item.label], format_seconds(item.duration_ms / 1000, lang)
        if zh:
            lines.insert(0, f"添加了 {secs}的{noun}{_quoted(item)}")
        elif item.label in ("BGM", "Audio"):  # "a 10 s background music" reads wrong
            lines.insert(0, f"added {noun} {_quoted(item)} ({secs})")
        else:
            lines.insert(0, f"added a {secs} {noun} {_quoted(item)}")
    for item in removed:
        noun = _NOUNS[lang][item.label]
        lines.insert(
            len(added), f"移除了{noun}{_quoted(item)}" if zh else f"removed the {noun} {_quoted(item)}"
        )
    if before.duration_ms != after.duration_ms:
        lines.append(
            f"{'总时长' if zh else 'duration'} {format_seconds(before.duration_ms / 1000, lang)} → "
            f"{format_seconds(after.duration_ms / 1000, lang)}"
        )
    if not lines and before.to_wire() != after.to_wire():
        lines.append("时间线有更新" if zh else "the timeline was updated")
    if not lines:
        return None
    text = ("；" if zh else "; ").join(lines)
    return (text + "。") if zh else (text[0].upper() + text[1:] + ".")


# ---- two-stage generation: what the backend added on its own -------------------------------------

_ADDED_KIND = {
    "BGM": "music",
    "Audio": "music",
    "Title": "title",
    "Caption": "title",
    "Video": "video",
    "Track": "other",
}


def describe_additions(before: Draft, after: Draft, lang: str = "en") -> str | None:
    """One line saying what the backend added after its reply (music, a title, a clip, effects)
    and how to remove it, or None when nothing was added. Edits without an addition (grading,
    effects on existing clips) count as "effects" when the tracks are otherwise the same."""
    from .i18n import t  # the messages live there

    lang = norm_lang(lang)
    old, new = _items(before), _items(after)
    added: list[_Item] = []
    for key, items in new.items():
        added.extend(items[len(old.get(key, [])) :])
    if not added:
        if before.to_wire() == after.to_wire() or len(_flat(old)) != len(_flat(new)):
            return None
        return t("added.line", lang, what=t("added.other", lang), hint=t("hint.other", lang))
    kinds = list(dict.fromkeys(_ADDED_KIND[item.label] for item in added))
    sep = "、" if lang == "zh" else ", "
    what = sep.join(
        t(f"added.{_ADDED_KIND[item.label]}", lang, name=_quoted(item))
        if _ADDED_KIND[item.label] != "other"
        else t("added.other", lang)
        for item in added
    )
    hint = t(f"hint.{kinds[0]}", lang)
    return t("added.line", lang, what=what, hint=hint)


def _flat(items: dict[tuple[str, str], list[_Item]]) -> list[_Item]:
    return [item for group in items.values() for item in group]


def describe_media_changes(
    before: list[object], after: list[object], lang: str = "en", *, videos: bool = True
) -> str | None:
    """`video_infos` / `generated_media` compared in words: "2 new video(s) in the project", or
    "the project's state changed" when the lists differ otherwise; None when they are equal."""
    from .i18n import t

    if before == after:
        return None
    if len(after) > len(before):
        n = len(after) - len(before)
        return t("recover.new_videos", lang, n=n) if videos else t("recover.new_media", lang, n=n)
    return t("recover.state_changed", lang)
