"""nemo-tui: a chat-style terminal app for AI video generation."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("nemo-tui")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.1.0"
