"""The agent's question (its `ask_question` tool), one question at a time, keyboard only.

1–9 pick an option (in a multi-select question they toggle it, as Space does on the highlighted
one), Up/Down move the highlight, Enter confirms the question (the highlighted option when none is
picked) and goes to the next, Tab moves to a box where the person may type their own answer (Enter
there confirms too), Esc skips the whole question (nothing is sent; the person can still type in the
prompt). The result is the answer message in the vendor's format (`answer_text`), or None.

Every string from the server goes through `clean()` into `Content` (never markup).
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Input, Static

from ...protocol.questions import Question, answer_text
from ..strings import t
from ..text import clean


class OptionsView(Widget, can_focus=True):
    """The current question's options, numbered, with the highlight and what is picked."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.question: Question | None = None
        self.highlight = 0
        self.picked: list[str] = []

    def show(self, question: Question, picked: list[str]) -> None:
        self.question = question
        self.picked = picked
        self.highlight = 0
        self.refresh(layout=True)

    def get_content_height(self, container, viewport, width: int) -> int:
        return max(1, len(self.question.options) if self.question else 1)

    def render(self) -> Content:
        question = self.question
        if question is None or not question.options:
            return Content("")
        lines = []
        for index, option in enumerate(question.options):
            chosen = option.id in self.picked
            mark = ("[x]" if chosen else "[ ]") if question.allow_multiple else "(•)" if chosen else "( )"
            cursor = "›" if index == self.highlight and self.has_focus else " "
            number = str(index + 1) if index < 9 else " "
            style = (
                "bold $accent" if index == self.highlight and self.has_focus else ("bold" if chosen else "")
            )
            lines.append(Content.assemble(f"{cursor} {number}. {mark} ", (clean(option.label), style)))
        return Content("\n").join(lines)

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()


class QuestionScreen(ModalScreen[str | None]):
    BINDINGS = [
        *(Binding(str(n), f"pick({n})", show=False, id=f"question.pick{n}") for n in range(1, 10)),
        Binding("space", "toggle_option", show=False, id="question.toggle"),
        Binding("up", "move(-1)", show=False, id="question.up"),
        Binding("down", "move(1)", show=False, id="question.down"),
        Binding("enter", "confirm", show=False, id="question.confirm"),
        Binding("escape", "skip", show=False, id="question.skip"),
    ]

    def __init__(self, title: str, questions: Sequence[Question], *, lang: str = "en") -> None:
        super().__init__()
        self.title_text = clean(title) or t("question.title", lang)
        # The answer is keyed by question id: give questions without one (or sharing one) their own.
        seen: set[str] = set()
        self.questions = []
        for number, question in enumerate(questions, 1):
            if not question.id or question.id in seen:
                question = question.model_copy(update={"id": f"#{number}"})
            option_ids = [o.id for o in question.options]
            if any(not i for i in option_ids) or len(set(option_ids)) != len(option_ids):
                question = question.model_copy(
                    update={
                        "options": [
                            o.model_copy(update={"id": f"#{n}"}) for n, o in enumerate(question.options, 1)
                        ]
                    }
                )
            seen.add(question.id)
            self.questions.append(question)
        self.lang = lang
        self.index = 0
        self.chosen: dict[str, list[str]] = {q.id: [] for q in self.questions}
        self.typed: dict[str, str] = {}

    def _key(self, index: int) -> str:
        return self.questions[index].id

    def compose(self) -> ComposeResult:
        box = Vertical(id="question-box")
        box.border_title = Content(self.title_text)
        with box:
            yield Static(Content(""), id="question-count", markup=False)
            yield Static(Content(""), id="question-prompt", markup=False)
            yield OptionsView(id="question-options")
            yield Input(placeholder=t("question.type", self.lang), id="question-input", compact=True)
            yield Static(Content(""), id="question-hint", markup=False)

    def on_mount(self) -> None:
        self._show()

    @property
    def current(self) -> Question:
        return self.questions[self.index]

    def _show(self) -> None:
        question = self.current
        options = self.query_one(OptionsView)
        options.show(question, self.chosen[self._key(self.index)])
        options.display = bool(question.options)
        count = t("question.count", self.lang, n=self.index + 1, total=len(self.questions))
        self.query_one("#question-count", Static).update(Content(count))
        prompt = clean(question.prompt)
        if question.allow_multiple:
            prompt += ("" if self.lang.startswith("zh") else " ") + t("question.multi", self.lang)
        self.query_one("#question-prompt", Static).update(Content(prompt))
        field = self.query_one("#question-input", Input)
        field.value = self.typed.get(self._key(self.index), "")
        hint = "question.hint_multi" if question.allow_multiple else "question.hint"
        if not question.options:
            hint = "question.hint_free"
        self.query_one("#question-hint", Static).update(Content(t(hint, self.lang)))
        (options if question.options else field).focus()

    # ---- keys ------------------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Typing in the answer box: digits and Space are text there, not picks.
        return not (action in ("pick", "toggle_option") and isinstance(self.focused, Input))

    def action_pick(self, number: int) -> None:
        options = self.current.options
        if not 1 <= number <= len(options):
            self.app.bell()
            return
        view = self.query_one(OptionsView)
        view.highlight = number - 1
        self._choose(options[number - 1].id)

    def action_toggle_option(self) -> None:  # not action_toggle: Textual's own takes an attribute name
        options = self.current.options
        if options:
            self._choose(options[self.query_one(OptionsView).highlight].id)

    def _choose(self, option_id: str) -> None:
        picked = self.chosen[self._key(self.index)]
        if self.current.allow_multiple:
            if option_id in picked:
                picked.remove(option_id)
            else:
                picked.append(option_id)
        else:
            picked[:] = [option_id]
        self.query_one(OptionsView).refresh()

    def action_move(self, step: int) -> None:
        view = self.query_one(OptionsView)
        if self.current.options:
            view.highlight = (view.highlight + step) % len(self.current.options)
            if not isinstance(self.focused, Input):
                view.refresh()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_confirm()

    def action_confirm(self) -> None:
        key = self._key(self.index)
        typed = self.query_one("#question-input", Input).value.strip()
        if typed:
            self.typed[key] = typed
        else:
            self.typed.pop(key, None)
            if not self.chosen[key] and self.current.options and not isinstance(self.focused, Input):
                self._choose(self.current.options[self.query_one(OptionsView).highlight].id)
        if self.index + 1 < len(self.questions):
            self.index += 1
            self._show()
            return
        text = answer_text(self.questions, self.chosen, self.typed)
        self.dismiss(text or None)

    def action_skip(self) -> None:
        self.dismiss(None)
