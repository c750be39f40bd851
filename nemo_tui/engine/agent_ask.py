"""The agent's question when a request is ambiguous ("make a video"), and reading the answer that
comes back in the vendor's format (one numbered line per question)."""

from __future__ import annotations

import re
from typing import Any

from . import lexicon as lx

DEFAULT_GENERATE_S = 5.0
MAX_GENERATE_S = 60.0

# ---- ask_question: an ambiguous request, and the answer in the vendor's format ------------------

SUBJECTS = {
    "en": [("ocean", "Ocean sunset"), ("city", "City at night"), ("forest", "Forest in the rain")],
    "zh": [("ocean", "海上日落"), ("city", "夜晚的城市"), ("forest", "雨中的森林")],
}
SUBJECT_PROMPT = {"en": "What should the video show?", "zh": "视频要展示什么？"}
DURATION_PROMPT = {"en": "How long?", "zh": "视频多长？"}
QUESTION_TITLE = {"en": "Before I start", "zh": "开始之前"}
DURATION_CHOICES = (5, 10, 15)


def ambiguity_questions(language: str, *, asked_seconds: float | None = None) -> dict[str, Any]:
    """The `ask_question` args for "make a video" with no subject: what to show, and how long
    (left out when the request named a length)."""
    unit = " 秒" if language == "zh" else " s"
    questions = [
        {
            "id": "subject",
            "prompt": SUBJECT_PROMPT[language],
            "options": [{"id": i, "label": label} for i, label in SUBJECTS[language]],
            "allow_multiple": False,
        }
    ]
    if asked_seconds is None:
        questions.append(
            {
                "id": "duration",
                "prompt": DURATION_PROMPT[language],
                "options": [{"id": str(s), "label": f"{s}{unit}"} for s in DURATION_CHOICES],
                "allow_multiple": False,
            }
        )
    return {"title": QUESTION_TITLE[language], "questions": questions}


_ANSWER_LINE = re.compile(r"^\s*\d+\s*[.)、．]\s*(?P<prompt>[^:：]+?)\s*[:：]\s*(?P<answer>.*?)\s*$")
_SUBJECT_WORDS = re.compile(r"\bshow\b|\bsubject\b|展示|内容|主题", re.I)
_DURATION_WORDS = re.compile(r"\bhow long\b|\blength\b|\bduration\b|多长|时长|长度", re.I)


def read_answer(text: str) -> tuple[str, float] | None:
    """(subject, seconds) from an answer to `ambiguity_questions` — one line per question,
    `1. What should the video show?: Ocean sunset` / `2. How long?: 10 s` — or None when the message
    is not such an answer. A question left out gets the default (a calm landscape, 5 s)."""
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        return None
    subject = duration = None
    for line in lines:
        m = _ANSWER_LINE.match(line)
        if m is None:
            return None
        prompt, answer = m.group("prompt"), m.group("answer")
        if _DURATION_WORDS.search(prompt):
            duration = lx.seconds(answer.lower())
        elif _SUBJECT_WORDS.search(prompt):
            subject = answer
        else:
            return None
    if subject is None and duration is None:
        return None
    zh = lx.has_cjk(text)
    if subject:
        subject = subject if zh else subject[:1].lower() + subject[1:]
    else:
        subject = "风景" if zh else "a calm landscape"
    seconds = DEFAULT_GENERATE_S if duration is None else min(max(duration, 1.0), MAX_GENERATE_S)
    return subject, seconds
