"""A non-editable install carries the styles and the console script, and runs outside the repo."""

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (whl,) = out.glob("nemo_tui-*.whl")
    return whl


def test_wheel_ships_styles_and_entry_point(wheel: Path):
    names = zipfile.ZipFile(wheel).namelist()
    styles = [n for n in names if n.startswith("nemo_tui/styles/") and n.endswith(".tcss")]
    repo_styles = sorted(p.name for p in (ROOT / "styles").glob("*.tcss"))
    assert repo_styles, "the repo has no .tcss files"
    assert sorted(Path(n).name for n in styles) == repo_styles
    entry = next(n for n in names if n.endswith("entry_points.txt"))
    assert "nemo-tui = nemo_tui.cli:main" in zipfile.ZipFile(wheel).read(entry).decode()


def test_installed_copy_finds_its_styles_outside_the_repo(wheel: Path, tmp_path: Path):
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    code = (
        "import nemo_tui, pathlib, sys;"
        "from nemo_tui.ui.styles import styles_dir;"
        "d = styles_dir(); print(d);"
        "assert pathlib.Path(nemo_tui.__file__).is_relative_to(sys.argv[1]), nemo_tui.__file__;"
        "assert d.is_relative_to(sys.argv[1]) and any(d.glob('*.tcss')), d"
    )
    env_path = f"{target}"
    done = subprocess.run(
        [sys.executable, "-c", code, str(target)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": env_path, "PATH": "/usr/bin:/bin"},
        timeout=60,
    )
    assert done.returncode == 0, done.stderr


def test_cli_help_runs():
    done = subprocess.run(
        [sys.executable, "-m", "nemo_tui", "--help"], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert done.returncode == 0 and "--backend" in done.stdout and "serve" in done.stdout


def test_wheel_depends_on_the_cjk_font_wheel(wheel: Path):
    """Chinese titles need a CJK font on machines without one: the wheel, not apt, brings it."""
    with zipfile.ZipFile(wheel) as whl:
        metadata = whl.read(next(n for n in whl.namelist() if n.endswith(".dist-info/METADATA"))).decode()
    assert "Requires-Dist: noto-cjk-sans-otc" in metadata
