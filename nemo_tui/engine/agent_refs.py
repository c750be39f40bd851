"""Which item a request means: by type, ordinal, name or recency ("the title", "the second clip",
"第二个片段", "the sunset clip", "the last one", "it"), and how to name it back in a reply.

Pure: reads a wire draft. `Refs` either holds the items found, as (kind, index) pairs that
`edits_items` takes, or a sentence (English, Chinese) saying why none could be chosen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from . import lexicon as lx
from . import lexicon_items as li
from .edits_items import segments

NOUN = {0: ("clip", "片段"), 7: ("title", "标题"), 1: ("music", "背景音乐")}
_EN_ORDINAL = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", 6: "sixth"}
_STOP = {"the", "a", "an", "of", "over", "with", "and", "in", "on", "at", "to", "for", "music", "clip"}


@dataclass
class Refs:
    items: list[tuple[int, int]] = field(default_factory=list)
    why: tuple[str, str] | None = None  # (en, zh) when nothing could be chosen

    @property
    def ok(self) -> bool:
        return bool(self.items) and self.why is None


def label(draft: dict[str, Any], kind: int, index: int, lang: str) -> str:
    """'the second clip (sunset over the ocean)' / '第二个片段（日落）' / 'the title “Hi”'."""
    segs = segments(draft, kind)
    meta = (segs[index].get("m") or {}) if index < len(segs) else {}
    if kind == 1:
        return "背景音乐" if lang == "zh" else "the music"
    name = str(meta.get("text") or meta.get("name") or meta.get("prompt") or "")
    noun = NOUN[kind]
    if kind == 7 and meta.get("role") == "caption":
        noun = ("caption", "字幕")
    if kind == 7:  # a title and a caption are told apart by their words, not by counting
        return f"{noun[1]}“{name}”" if lang == "zh" else f"the {noun[0]} “{name}”"
    if lang == "zh":
        where = "" if len(segs) == 1 else f"第{index + 1}个"
        return f"{where}{noun[1]}“{name}”" if kind == 7 else f"{where}{noun[1]}（{name}）"
    where = "the" if len(segs) == 1 else f"the {_EN_ORDINAL.get(index + 1, f'#{index + 1}')}"
    return f"{where} {noun[0]} “{name}”" if kind == 7 else f"{where} {noun[0]} ({name})"


def _names(draft: dict[str, Any], kind: int) -> str:
    return "; ".join(
        f"{i + 1}. {(s.get('m') or {}).get('text') or (s.get('m') or {}).get('name') or '?'}"
        for i, s in enumerate(segments(draft, kind))
    )


def _missing(kind: int, wanted: int, have: int) -> tuple[str, str]:
    noun = NOUN[kind]
    which = _EN_ORDINAL.get(wanted, f"#{wanted}") if wanted > 0 else "such"
    return (
        f"There's no {which} {noun[0]}: the timeline has {have}.",
        f"没有第{wanted}个{noun[1]}：时间线上共有{have}个。"
        if wanted > 0
        else f"没有这个{noun[1]}：时间线上共有{have}个。",
    )


def _by_name(draft: dict[str, Any], clause: str, low: str, kinds: tuple[int, ...]) -> list[tuple[int, int]]:
    """Items whose name or text the clause quotes or mentions ("the sunset clip", "“Hi”")."""
    quoted = lx.quoted(clause)
    best: list[tuple[int, tuple[int, int]]] = []
    for kind in kinds:
        for i, seg in enumerate(segments(draft, kind)):
            meta = seg.get("m") or {}
            name = str(meta.get("text") or meta.get("name") or meta.get("prompt") or "").lower()
            if not name:
                continue
            if quoted and quoted.lower() == name:
                best.append((100, (kind, i)))
                continue
            if lx.has_cjk(name):
                score = len(name) if len(name) >= 2 and name in low else 0
            else:
                words = {w for w in re.findall(r"[a-z]{3,}", name) if w not in _STOP}
                score = sum(1 for w in words if re.search(rf"\b{w}\b", low))
            if score:
                best.append((score, (kind, i)))
    if not best:
        return []
    top = max(score for score, _ in best)
    return [ref for score, ref in best if score == top]


def resolve(
    clause: str,
    draft: dict[str, Any],
    allowed: tuple[int, ...],
    *,
    last: tuple[int, int] | None,
    want: int = 1,
) -> Refs:
    """The `want` items (1, or 2 for a swap) the clause points at, among the `allowed` types.

    Order: ordinals ("the second clip"), then names, then a type with one item ("the title"),
    then recency ("it", "the last one", or a type word with several items and a last-touched one).
    """
    low = lx.strip_quotes(clause).lower()
    named = [k for k in li.kinds(low) if k in allowed]
    kind = named[0] if named else (allowed[0] if len(allowed) == 1 else None)
    ords = li.ordinals(low)
    if ords:
        k = kind if kind is not None else (0 if 0 in allowed else allowed[0])
        segs = segments(draft, k)
        out = []
        for n in ords[:want] if want > 1 else ords[:1]:
            i = n - 1 if n > 0 else len(segs) + n
            if not 0 <= i < len(segs):
                return Refs(why=_missing(k, n if n > 0 else 0, len(segs)))
            out.append((k, i))
        if want == 2 and len(out) == 1 and len(segs) == 2:  # "swap the first clip" (with the other)
            out.append((k, 1 - out[0][1]))
        if len(out) == want:
            return Refs(out)
    hits = _by_name(draft, clause, low, tuple(named) or allowed)
    if len(hits) >= want and (lx.quoted(clause) or len(hits) == want or want == 2):
        return Refs(hits[:want])
    if want == 2:
        k = kind if kind is not None else 0
        segs = segments(draft, k)
        if len(segs) == 2:
            return Refs([(k, 0), (k, 1)])
        return Refs(
            why=(
                f"Which two {NOUN[k][0]}s? There are {len(segs)}: {_names(draft, k)}. "
                f"Say e.g. “swap the first and second {NOUN[k][0]}s”.",
                f"要交换哪两个{NOUN[k][1]}？共有{len(segs)}个：{_names(draft, k)}。"
                f"可以说“交换第一个和第二个{NOUN[k][1]}”。",
            )
        )
    if kind is not None and not li.PRONOUN.search(low):
        segs = segments(draft, kind)
        if len(segs) == 1:
            return Refs([(kind, 0)])
        if kind == 7:  # "the title" vs "the caption": the role tells them apart
            role = "caption" if lx.CAPTION.search(low) else "title"
            roles = [i for i, s in enumerate(segs) if (s.get("m") or {}).get("role", "title") == role]
            if len(roles) == 1:
                return Refs([(7, roles[0])])
        if last is not None and last[0] == kind:
            return Refs([last])
        if not segs:
            return Refs(why=(f"There's no {NOUN[kind][0]} yet.", f"还没有{NOUN[kind][1]}。"))
        return Refs(
            why=(
                f"Which {NOUN[kind][0]}? There are {len(segs)}: {_names(draft, kind)}. "
                f"Say e.g. “the second {NOUN[kind][0]}”.",
                f"是哪一个{NOUN[kind][1]}？共有{len(segs)}个：{_names(draft, kind)}。"
                f"可以说“第二个{NOUN[kind][1]}”。",
            )
        )
    if last is not None and last[0] in allowed and last[1] < len(segments(draft, last[0])):
        return Refs([last])
    present = [(k, i) for k in allowed for i in range(len(segments(draft, k)))]
    if len(present) == 1:
        return Refs(present)
    if not present:
        noun = NOUN[allowed[0]]
        return Refs(why=(f"There's no {noun[0]} to change yet.", f"还没有可以修改的{noun[1]}。"))
    return Refs(
        why=(
            "Which one do you mean? Name it, e.g. “the second clip”, “the title” or “the music”.",
            "你指的是哪一个？请说明，例如“第二个片段”“标题”或“背景音乐”。",
        )
    )


def latest(before: dict[str, Any] | None, after: dict[str, Any]) -> tuple[int, int] | None:
    """The item the last turn changed or added (what "it" means at the start of a turn): the first
    segment of the current draft that the draft before that turn did not have, titles and music
    before clips (they are what people go on to adjust)."""
    if before is None:
        return None
    for kind in (7, 1, 0):
        old = segments(before, kind)
        for i, seg in enumerate(segments(after, kind)):
            if seg not in old:
                return kind, i
    return None
