"""F1: the keys, in the person's language, built from the action table with the keys in force (the
person's config.toml included), so it can't drift from what the keys do."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from ..action_table import ACTIONS, BY_ID, ActionKeys, Shows
from ..strings import t

TIPS = ("help.newline", "help.send_key", "help.history", "help.palette", "help.hints", "help.queue")


def help_rows(keys: ActionKeys, lang: str) -> list[tuple[str, str]]:
    """(keys, what they do) for every row of the table the help lists, in table order."""
    rows = []
    for action in ACTIONS:
        if Shows.HELP not in action.shows or action.label is None or not keys.keys(action.id):
            continue
        what = action.label(lang)
        timeline = BY_ID["timeline"].label
        if action.scope == "timeline" and timeline is not None:  # a key of the timeline's, once it has focus
            what += f" ({timeline(lang)})"
        rows.append((keys.shown_all(action.id), what))
    return rows


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,f1,q", "close", "Close", id="help.close"),
    ]

    def __init__(self, keys: ActionKeys, *, lang: str = "en", cloud: bool = False) -> None:
        super().__init__()
        self.rows = help_rows(keys, lang)
        self.keys = keys
        self.lang = lang
        self.cloud = cloud  # the cloud charges credits: say what things cost

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box") as box:
            box.border_title = Content(t("help.title", self.lang))
            with VerticalScroll():
                width = max((len(key) for key, _ in self.rows), default=8) + 2
                table = "\n".join(f"{key.ljust(width)}{what}" for key, what in self.rows)
                yield Static(Content(table), id="help-keys", markup=False)
                tips = "\n".join(
                    t(k, self.lang, keys=self.keys.names)
                    for k in TIPS + (("help.cost",) if self.cloud else ())
                )
                yield Static(Content(tips), id="help-tips", markup=False)
            yield Static(Content(t("help.close", self.lang)), id="help-close", markup=False)

    def action_close(self) -> None:
        self.dismiss(None)
