"""The agent's ask_question tool: its args as questions, and the answer in the vendor's format."""

from __future__ import annotations

from nemo_tui.protocol import answer_text, parse_question_set

PUBLISHED = {
    "title": "A few choices before I generate",
    "questions": [
        {
            "id": "q1",
            "prompt": "Which style?",
            "allow_multiple": False,
            "options": [{"id": "a", "label": "Cinematic"}, {"id": "b", "label": "Anime"}],
        },
        {
            "id": "q2",
            "prompt": "Add music?",
            "allow_multiple": True,
            "options": [{"id": "m1", "label": "Lo-fi"}, {"id": "m2", "label": "Orchestral"}],
        },
    ],
}


def test_the_published_shape_and_the_answer_line_per_question():
    asked = parse_question_set(PUBLISHED)
    assert asked is not None and asked.title == "A few choices before I generate"
    assert [q.allow_multiple for q in asked.questions] == [False, True]
    text = answer_text(asked.questions, {"q1": ["b"], "q2": ["m2", "m1"]})
    assert text == "1. Which style?: Anime\n2. Add music?: Orchestral, Lo-fi"
    # a question left out is left out; typed words count as an answer
    assert answer_text(asked.questions, {}, {"q2": " none, thanks "}) == "2. Add music?: none, thanks"
    assert answer_text(asked.questions, {}) == ""


def test_tolerated_variants():
    asked = parse_question_set(
        {
            "questions": [
                {"id": 7, "question": "Length?", "options": ["5 s", "10 s"], "allowMultiple": "true"},
                {"prompt": "Title text?"},
            ]
        }
    )
    assert asked is not None
    first, second = asked.questions
    assert first.id == "7" and [o.label for o in first.options] == ["5 s", "10 s"] and first.allow_multiple
    assert second.id == "2" and second.options == []
    assert answer_text(asked.questions, {"7": ["2"]}) == "1. Length?: 10 s"
    flat = parse_question_set({"prompt": "Portrait or landscape?", "options": [{"label": "Portrait"}]})
    assert flat is not None and flat.questions[0].options[0].id == "1"


def test_args_without_a_question_are_not_a_question():
    for args in (
        None,
        [],
        "ask",
        {},
        {"questions": []},
        {"questions": [{"prompt": "  "}]},
        {"questions": "x"},
        {"title": 5, "questions": [{"options": ["a"]}]},
    ):
        assert parse_question_set(args) is None


def test_question_text_is_cleaned_of_escapes():
    asked = parse_question_set(
        {
            "title": "T\x1b]0;x\x07",
            "questions": [
                {"id": "q\x1b[2J", "prompt": "Pick\x1b[31m one", "options": [{"id": "a", "label": "A\x07"}]}
            ],
        }
    )
    assert asked is not None
    q = asked.questions[0]
    assert (asked.title, q.id, q.prompt, q.options[0].label) == ("T", "q", "Pick one", "A")


def test_activity_lines_per_published_tool():
    from nemo_tui.protocol import tool_activity, tool_kind

    assert tool_activity("generate_video_with_seedance") == "Generating video — usually 2–5 min"
    assert tool_activity("generate_music") == "Generating music — 1–2 min"
    assert tool_activity("edit_multitrack") == "Editing the timeline"
    assert tool_activity("edit_multitrack", "zh-CN") == "正在编辑时间线"
    assert tool_kind("ask_question") == "question" and tool_activity("lookup_weather") is None


def test_questions_built_in_code_keep_their_options() -> None:
    """Models passed in (the UI and headless `--answer` build them) are kept, not dropped as
    unknown shapes."""
    from nemo_tui.protocol import Question, QuestionOption, QuestionSet

    question = Question(id="s", prompt="Show?", options=[QuestionOption(id="a", label="Ocean")])
    assert [o.label for o in question.options] == ["Ocean"]
    assert QuestionSet(title="t", questions=[question]).questions == [question]
