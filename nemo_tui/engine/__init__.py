"""The local engine: the cloud's HTTP contract served on loopback (see DESIGN.md).

`runner.EngineServer` runs it in a background thread, `runner.serve()` in the foreground;
`server.create_app()` builds the Starlette app. Only the light config is imported here.
"""

from .config import EngineConfig, Faults

__all__ = ["EngineConfig", "Faults"]
