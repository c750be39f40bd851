"""Issue 11's wiring into the app, kept in one place so it can move into the app's action table:
F5 / the palette's "Preview" (render a preview, then play it), the player opening on PreviewReady,
and Ctrl+O over SSH (play the export here, show and copy an `scp` line, never a desktop opener)."""

from __future__ import annotations

import shlex
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from .actions import AppActions
from .screens.player import PlayerScreen
from .sixel_overlay import SixelOverlay
from .strings import t
from .widgets.chat_log import ChatLog
from .widgets.prompt import PromptInput

if TYPE_CHECKING:
    from ..protocol import Draft


class PreviewActions(AppActions):
    """NemoApp's base: its check_action and action_open_export come before AppActions' ones."""

    kitty_writer: Callable[[], Callable[[str], None] | None]  # GraphicsProbe's (ui/terminal_io.py)
    sixel_overlay: Callable[[], SixelOverlay | None]  # GraphicsProbe's too

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "preview":
            return (
                not self.busy and self.conversation is not None and not isinstance(self.screen, PlayerScreen)
            )
        return super().check_action(action, parameters)

    def action_preview(self) -> None:
        self.run_stream("preview", lambda conversation: conversation.preview())

    async def open_player(
        self, path: Path, draft: Draft | None = None, *, poster: Path | None = None
    ) -> None:
        """Play `path` in the terminal (NEMO_GRAPHICS=none: say where it is instead); `poster`: where
        its first frame is kept (a preview's), shown before the decoder starts."""
        if self.terminal.graphics == "none":
            await self.query_one(ChatLog).add_notice(
                t("preview.no_graphics", self.lang, path=str(path)), "info"
            )
            return
        if isinstance(self.screen, PlayerScreen):
            self.pop_screen()

        def closed(_: None) -> None:
            self.query_one(PromptInput).focus()

        player = PlayerScreen(
            path,
            draft,
            lang=self.lang,
            kitty_write=self.kitty_writer(),
            sixel=self.sixel_overlay(),
            poster=poster,
        )
        self.push_screen(player, closed)

    async def action_open_export(self) -> None:
        """Ctrl+O. Over SSH a desktop player would start on the remote machine (or not at all): play
        the export here and give the person the `scp` line for their own computer instead."""
        path = self.last_export
        if path is None or not self.terminal.over_ssh:
            await super().action_open_export()
            return
        command = f"scp {shlex.quote(f'{self.terminal.user_host}:{path}')} ."
        self.copy_to_clipboard(command)
        line = t("export.scp", self.lang, path=str(path), host=self.terminal.host, command=command)
        await self.query_one(ChatLog).add_notice(line, "info")
        if path.is_file():  # moved or deleted since: the line above says where it was
            await self.open_player(path)
