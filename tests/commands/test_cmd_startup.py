"""Fast start and help: `--help` pays for argparse only; a cloud command never loads the engine."""

from __future__ import annotations

import subprocess
import sys

import pytest
from commands_helpers import ROOT, Cli

from nemo_tui.cli import main
from nemo_tui.commands.parsers import HEADLESS

HEAVY = ("numpy", "uvicorn", "textual", "av", "httpx")


def loaded_after(argv: list[str], env: dict[str, str] | None = None) -> tuple[int, set[str]]:
    code = (
        "import sys\n"
        "from nemo_tui.cli import main\n"
        "try:\n"
        f"    rc = main({argv!r})\n"
        "except SystemExit as exc:\n"
        "    rc = exc.code\n"
        "sys.stdout.flush()\n"
        "print('MODULES', ' '.join(sorted({m.split('.')[0] for m in sys.modules})), file=sys.stderr)\n"
        "sys.exit(rc)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env, timeout=60
    )
    line = [x for x in done.stderr.splitlines() if x.startswith("MODULES ")][-1]
    return done.returncode, set(line.split()[1:])


def test_credits_help_imports_nothing_heavy() -> None:
    code, modules = loaded_after(["credits", "--help"])
    assert code == 0
    assert not modules & set(HEAVY), sorted(modules & set(HEAVY))


def test_a_cloud_command_never_loads_the_engine_or_textual(cli: Cli) -> None:
    import os

    env = {**os.environ, **cli.env()}
    env.pop("NEMO_TOKEN", None)
    code, modules = loaded_after(["--backend", "cloud", "credits"], env)
    assert code == 0
    assert "httpx" in modules  # it did talk to the service
    assert not modules & {"numpy", "uvicorn", "textual"}


@pytest.mark.parametrize("command", HEADLESS)
def test_every_command_has_help_with_examples_and_exit_codes(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stop:
        main([command, "--help"])
    assert stop.value.code == 0
    text = capsys.readouterr().out
    assert f"nemo-tui {command}" in text.split("examples:")[1]
    assert "exit codes:" in text and "4  out of credits" in text and "--json" in text


def test_backend_flags_work_before_and_after_the_command(cli: Cli) -> None:
    before = cli.call("--backend", "cloud", "credits", backend=False)
    after = cli.call("credits", "--backend", "cloud", backend=False)
    assert before.code == after.code == 0
    assert before.out == after.out and before.out.startswith("Credits: 100 available")


def test_serve_keeps_its_own_flags() -> None:
    from nemo_tui.cli import _parser

    args = _parser().parse_args(["--local", "serve", "--port", "9999"])
    assert args.command == "serve" and args.port == 9999 and args.local


def test_upload_help_lists_exactly_the_supported_formats(capsys: pytest.CaptureFixture[str]) -> None:
    # The help text is written out (importing the protocol would slow `--help`): keep it in step.
    import re

    from nemo_tui.protocol import MAX_UPLOAD_BYTES, SUPPORTED_FORMATS

    with pytest.raises(SystemExit):
        main(["upload", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    listed = re.search(r"\(([a-z0-9, ]+); up to (\d+) MB\)", text)
    assert listed is not None, text
    assert tuple(listed.group(1).split(", ")) == SUPPORTED_FORMATS
    assert int(listed.group(2)) * 1024 * 1024 == MAX_UPLOAD_BYTES
