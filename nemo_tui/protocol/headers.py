"""Attribution headers sent on every request (missing ones make exports answer 402)."""

from __future__ import annotations

from pathlib import Path

SKILL_SOURCE = "sora-video-generation"
# The headers every request carries: the engine refuses an export that lacks one (402).
ATTRIBUTION_HEADERS = ("X-Skill-Source", "X-Skill-Version", "X-Skill-Platform")


def detect_platform(install_path: str | Path | None = None, home: str | Path | None = None) -> str:
    """`clawhub` under ~/.clawhub/, `cursor` under ~/.cursor/skills/, else `unknown`."""
    path = Path(install_path if install_path is not None else __file__).resolve()
    home_dir = Path(home).resolve() if home is not None else Path.home().resolve()
    for marker, name in (((".clawhub",), "clawhub"), ((".cursor", "skills"), "cursor")):
        root = home_dir.joinpath(*marker)
        if path == root or root in path.parents:
            return name
    return "unknown"


def attribution_headers(version: str, platform: str | None = None) -> dict[str, str]:
    source, version_header, platform_header = ATTRIBUTION_HEADERS
    return {source: SKILL_SOURCE, version_header: version, platform_header: platform or detect_platform()}
