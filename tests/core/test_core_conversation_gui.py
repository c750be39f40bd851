"""GUI phrases in a reply: the real engine never says "click the Export button", so a scripted
backend (a VideoBackend, not a mocked transport) plays the cloud's words here."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

from nemo_tui.core.conversation import Conversation
from nemo_tui.core.events import ReplyDelta, ReplyFinished, SuggestedAction
from nemo_tui.core.i18n import fill_key_refs, key_ref
from nemo_tui.core.store import Store
from nemo_tui.protocol import Credits, SessionInfo, SessionState, TextDelta, TurnEnd


class ScriptedBackend:
    base_url = "http://scripted.invalid"
    language = "en"
    is_anonymous = True

    def __init__(self, reply: str) -> None:
        self.reply = reply
        self.session: SessionInfo | None = None

    async def ensure_token(self) -> None:
        return None

    async def create_session(
        self, first_message: str | None = None, language: str | None = None
    ) -> SessionInfo:
        self.session = SessionInfo(session_id="s-1", task_id="t-1")
        return self.session

    async def send_message(self, text: str) -> AsyncIterator[object]:
        for word in self.reply.split(" "):
            yield TextDelta(text=word + " ")
        yield TurnEnd(text=self.reply)

    async def state(self) -> SessionState:
        return SessionState()

    async def credits(self) -> Credits:
        return Credits(available=90, total=90)


async def test_reply_is_translated_at_the_end_and_offers_the_action(tmp_path: Path) -> None:
    reply = "Your video is ready. Click the Export button to download your video."
    store = Store(tmp_path / "nemo.db")
    conv = Conversation(ScriptedBackend(reply), store, backend_key="cloud", export_dir=tmp_path)  # type: ignore[arg-type]
    events = [e async for e in conv.handle("make it warmer")]
    streamed = "".join(e.text for e in events if isinstance(e, ReplyDelta))
    assert streamed.strip() == reply  # deltas are shown raw while streaming
    [finished] = [e for e in events if isinstance(e, ReplyFinished)]
    assert finished.text == f"Your video is ready. {key_ref('export', 'en')} to export your video."
    filled = fill_key_refs(finished.text, lambda action, lang: f"<{action} {lang}>")
    assert filled == "Your video is ready. <export en> to export your video."  # core names no key
    assert [(a.action, a.label) for a in events if isinstance(a, SuggestedAction)] == [("export", "Export")]
    assert store.messages("s-1")[-1].text == finished.text  # history keeps what was shown
