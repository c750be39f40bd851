"""Issue 11's wiring into the app, kept in one place so it can move into the app's action table:
F5 / the palette's "Preview" (render a preview, then play it), the player opening on PreviewReady,
and Ctrl+O over SSH (play the export here, show and copy an `scp` line, never a desktop opener)."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .screens.player import PlayerScreen
from .strings import t
from .widgets.chat_log import ChatLog
from .widgets.prompt import PromptInput

if TYPE_CHECKING:
    from ..protocol import Draft


class PreviewActions:
    """Mixed into NemoApp before AppActions (its check_action and action_open_export come first)."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        app: Any = self
        if action == "preview":
            return not app.busy and app.conversation is not None and not isinstance(app.screen, PlayerScreen)
        return super().check_action(action, parameters)  # type: ignore[misc]

    def action_preview(self) -> None:
        app: Any = self
        app.run_stream("preview", app.conversation.preview)

    async def open_player(self, path: Path, draft: Draft | None = None) -> None:
        """Play `path` in the terminal (NEMO_GRAPHICS=none: say where it is instead)."""
        app: Any = self
        if app.terminal.graphics == "none":
            await app.query_one(ChatLog).add_notice(
                t("preview.no_graphics", app.lang, path=str(path)), "info"
            )
            return
        if isinstance(app.screen, PlayerScreen):
            app.pop_screen()
        app.push_screen(
            PlayerScreen(path, draft, lang=app.lang, kitty_write=app.kitty_writer()),
            lambda _: app.query_one(PromptInput).focus(),
        )

    async def action_open_export(self) -> None:
        """Ctrl+O. Over SSH a desktop player would start on the remote machine (or not at all): play
        the export here and give the person the `scp` line for their own computer instead."""
        app: Any = self
        path = app.last_export
        if path is None or not app.terminal.over_ssh:
            await super().action_open_export()  # type: ignore[misc]
            return
        command = f"scp {shlex.quote(f'{app.terminal.user_host}:{path}')} ."
        app.copy_to_clipboard(command)
        line = t("export.scp", app.lang, path=str(path), host=app.terminal.host, command=command)
        await app.query_one(ChatLog).add_notice(line, "info")
        if path.is_file():  # moved or deleted since: the line above says where it was
            await self.open_player(path)
