"""The repository's shape: fixed top level, import contracts, no paths of any one machine."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from services.common.settings import PROJECT_ROOT

TOP_LEVEL = [
    "services/common",
    "services/actions",
    "services/parties",
    "services/reminders",
    "dashboard",
    "deploy",
    "docker-compose.yml",
    "tests",
    "pyproject.toml",
    "uv.lock",
    "Makefile",
    "README.md",
    ".ci/run",
    "Procfile",
]


def tracked_files() -> list[Path]:
    listed = (
        subprocess.run(
            ["git", "ls-files", "-z"], cwd=PROJECT_ROOT, capture_output=True, check=True, timeout=30
        )
        .stdout.decode()
        .split("\0")
    )
    return [PROJECT_ROOT / name for name in listed if name]


def test_top_level_is_in_place() -> None:
    missing = [name for name in TOP_LEVEL if not (PROJECT_ROOT / name).exists()]
    assert missing == []


def test_import_contracts_hold() -> None:
    result = subprocess.run(
        [str(Path(sys.executable).with_name("lint-imports"))],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_machine_specific_paths_are_committed() -> None:
    needles = ("/work/", "/root/", "/home/", "shared/seeds", "shared/facts")
    offenders = [
        str(path.relative_to(PROJECT_ROOT))
        for path in tracked_files()
        if path.is_file()
        and path.suffix in {".py", ".md", ".toml", ".txt", ".json", ".yml", ".yaml", ".cfg", ""}
        and any(needle in path.read_text(encoding="utf-8", errors="ignore") for needle in needles)
        and path.name != "test_layout.py"
    ]
    assert offenders == []


MAX_MODULE_LINES = 400  # a module longer than this is two concepts (docs/architecture.md)


def test_no_module_of_the_services_or_the_dashboard_passes_400_lines() -> None:
    modules = [
        path
        for path in tracked_files()
        if path.suffix == ".py"
        and path.relative_to(PROJECT_ROOT).parts[0] in ("services", "dashboard")
        and "migrations" not in path.parts
    ]
    too_long = {
        str(path.relative_to(PROJECT_ROOT)): lines
        for path in modules
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert modules and too_long == {}
