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

from ..core.events import ErrorKind, error_kind

OK = 0
SERVER = 1
USAGE = 2
AUTH = 3
CREDITS = 4
NETWORK = 5
QUESTION = 6
INTERRUPTED = 130

# The one table from a failure's kind (core's events carry it, typed) to a command's exit code.
# A dropped stream is not "network" for a script: the message may have run (the conversation
# then reads the state), so retrying it blindly could generate, and charge, twice.
EXIT_CODES: dict[ErrorKind, int] = {
    ErrorKind.NETWORK: NETWORK,
    ErrorKind.RATE_LIMITED: NETWORK,
    ErrorKind.STREAM: SERVER,
    ErrorKind.AUTH: AUTH,
    ErrorKind.CREDITS: CREDITS,
    ErrorKind.INPUT: USAGE,
    ErrorKind.SERVER: SERVER,
    ErrorKind.UNEXPECTED: SERVER,
}


def exit_code_for(kind: ErrorKind | None) -> int:
    """The exit code for a kind of failure; an error without a kind counts as the server's."""
    return EXIT_CODES[kind] if kind is not None else SERVER


def exit_code_for_error(error: BaseException) -> int:
    """The exit code for an error a command caught itself (not through a conversation flow)."""
    return exit_code_for(error_kind(error))


class CommandError(Exception):
    """A failure found on this side before (or instead of) talking to the service: one line for
    stderr and the exit code to end with."""

    def __init__(self, message: str, code: int = USAGE) -> None:
        super().__init__(message)
        self.code = code
