"""What the ledger (Ctrl+L) and the jobs list (Ctrl+R) share: a modal table of the app's records,
read from the store (sqlite3) in a thread worker, with a line under it; Escape closes.

Every cell is plain `Text`: a DataTable parses `str` cells as markup, and these hold what people
asked and what servers named."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from ..strings import t
from ..text import one_line

R = TypeVar("R")  # what one read of the store gives
T = TypeVar("T")  # what the screen closes with


class RecordsScreen(ModalScreen[T], Generic[T, R]):
    BINDINGS = [Binding("escape", "close", "Close", id="records.close")]
    # The ui/strings keys of the box's title, the columns ("A|B|C") and a failed read ({detail}).
    TITLE_KEY = ""
    COLUMNS_KEY = ""
    FAILED_KEY = ""

    def __init__(self, *, lang: str = "en", hint: str = "") -> None:
        super().__init__()
        self.lang = lang
        self.hint = hint  # a fixed line under the note ("" for none)

    def compose(self) -> ComposeResult:
        with Vertical(classes="records-box") as box:
            box.border_title = Content(t(self.TITLE_KEY, self.lang))
            yield DataTable(cursor_type="row", zebra_stripes=True)
            yield Static("", id="records-note", markup=False)
            if self.hint:
                yield Static(Content(self.hint), classes="records-hint", markup=False)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for i, label in enumerate(t(self.COLUMNS_KEY, self.lang).split("|")):
            table.add_column(Text(label), key=f"c{i}")
        table.focus()
        self.load()

    def read(self) -> R:
        """The records (blocking: runs in the thread worker)."""
        raise NotImplementedError

    def show(self, records: R) -> None:
        """Fill the table from what `read` gave (on the loop, the screen attached)."""
        raise NotImplementedError

    @work(thread=True, exclusive=True, group="records-load", exit_on_error=False)
    def load(self) -> None:
        try:
            records = self.read()
        except Exception as exc:  # a locked or broken database: say so, never a silent blank
            detail = one_line(str(exc)) or type(exc).__name__
            self.app.call_from_thread(self.say, t(self.FAILED_KEY, self.lang, detail=detail))
            return
        self.app.call_from_thread(self._got, records)

    def _got(self, records: R) -> None:
        if self.is_attached:  # closed while it was read: nothing to show it in
            self.show(records)

    def say(self, text: str) -> None:
        if self.is_attached:
            self.query_one("#records-note", Static).update(Content(text))

    def action_close(self) -> None:
        self.dismiss(None)

    @property
    def table(self) -> DataTable[Any]:
        return self.query_one(DataTable)
