"""The app's `animate=False` (tests, benchmarks) stops the spinner and the cursor blink, and only
that: Textual's own animation keeps working on the app and on the spinner widget."""

from __future__ import annotations

from ui_scripted import ScriptedConversation, make_app, settle

from nemo_tui.ui.widgets.activity import ActivityIndicator


async def test_animate_false_leaves_textuals_animator_to_the_app_and_the_spinner() -> None:
    # NemoApp and ActivityIndicator once kept their flag in `_animate`, the attribute where Textual
    # keeps a node's animator: every animate() on them then raised "'bool' object is not callable".
    app = make_app(ScriptedConversation())
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        indicator = app.query_one(ActivityIndicator)
        app.level = indicator.level = 0.0  # something to animate
        app.animate("level", 1.0, duration=0.01)
        indicator.animate("level", 1.0, duration=0.01)
        await app.animator.wait_for_idle()
        assert app.level == indicator.level == 1.0
