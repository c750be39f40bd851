"""Exit codes of the headless commands: one per class of failure, so a script can react.

  0  ok
  1  server or generic: the service answered with an error, a stream broke, a render failed
  2  usage or input: bad flags or settings, a missing/unsupported/too large file, an unknown
     session, nothing to export yet
  3  auth: the token was refused (NEMO_TOKEN expired), or the service refused our client id
  4  credits or plan: out of credits (2001), export blocked by the plan (402)
  5  network: the service can't be reached or is rate-limiting — retrying later may work
  6  question: the agent asked a question and waits for the answer (`ask` printed it; answer
     with `nemo-tui ask --answer …`)
130  interrupted (Ctrl+C)
"""

from __future__ import annotations

from ..protocol import (
    ExportBlocked,
    FileTooLarge,
    InvalidInput,
    MissingClientId,
    NemoError,
    NetworkError,
    NoCredits,
    RateLimited,
    TokenExpired,
    UnsupportedFile,
)

OK = 0
SERVER = 1
USAGE = 2
AUTH = 3
CREDITS = 4
NETWORK = 5
QUESTION = 6
INTERRUPTED = 130

_BY_CLASS: tuple[tuple[tuple[type[NemoError], ...], int], ...] = (
    ((InvalidInput, UnsupportedFile, FileTooLarge), USAGE),
    ((TokenExpired, MissingClientId), AUTH),
    ((NoCredits, ExportBlocked), CREDITS),
    ((NetworkError, RateLimited), NETWORK),
)


def exit_code_for(error: BaseException | None) -> int:
    """The exit code for a typed error; ServerError, StreamError, RenderFailed and anything else
    the service reports fall into SERVER."""
    if error is None:
        return SERVER
    for classes, code in _BY_CLASS:
        if isinstance(error, classes):
            return code
    return SERVER


class CommandError(Exception):
    """A failure found on this side before (or instead of) talking to the service: one line for
    stderr and the exit code to end with."""

    def __init__(self, message: str, code: int = USAGE) -> None:
        super().__init__(message)
        self.code = code
