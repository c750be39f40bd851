"""The command palette's provider: the app's actions, offering only the ones that make sense now."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

from .strings import t

if TYPE_CHECKING:
    from .app import NemoApp


class NemoCommands(Provider):
    def _commands(self) -> list[tuple[str, str, str]]:
        """(title, help, action) for every command valid in the app's current state."""
        app: NemoApp = self.app  # type: ignore[assignment]
        lang = app.lang
        out: list[tuple[str, str, str]] = []

        def add(key: str, action: str) -> None:
            out.append((t(f"cmd.{key}", lang), t(f"cmd.{key}_help", lang), action))

        for key, action in (
            ("export", "export"), ("upload", "upload"), ("credits", "credits"), ("state", "state"),
            ("new", "new_session"), ("sessions", "sessions"), ("copy", "copy_reply"), ("copy_summary", "copy_summary"),
            ("open", "open_export"), ("timeline", "focus_timeline"), ("stop", "stop"), ("help", "help"),
            ("browser", "open_browser"), ("drop_queued", "drop_queued"), ("question", "question_again"),
        ):
            if app.check_action(action, ()):
                add(key, action)
        return out

    async def discover(self) -> Hits:
        for title, help_text, action in self._commands():
            yield DiscoveryHit(title, self._runner(action), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, action in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), self._runner(action), help=help_text)

    def _runner(self, action: str):
        async def run() -> None:
            await self.app.run_action(action)

        return run
