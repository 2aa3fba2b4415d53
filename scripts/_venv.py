"""Create or refresh the project's virtual environment, using only the standard library.

Both README commands start here, so a fresh clone on a machine with nothing but Python >= 3.11 and
git works, and a changed pyproject.toml is picked up without anyone remembering to reinstall.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
STAMP = VENV / ".parley-installed"


def venv_python() -> Path:
    if os.name == "nt":
        return VENV / "Scripts" / "python.exe"
    return VENV / "bin" / "python"


def _fingerprint(extras: str) -> str:
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes())
    digest.update(extras.encode())
    digest.update(sys.version.encode())
    return digest.hexdigest()


def ensure(extras: str = "", *, fresh: bool = False) -> Path:
    """Return the venv's python, (re)installing Parley with `extras` when needed."""
    if fresh and VENV.exists():
        shutil.rmtree(VENV)
    if not venv_python().exists():
        print(f"Creating a virtual environment in {VENV} …", flush=True)
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    wanted = _fingerprint(extras)
    if not STAMP.exists() or STAMP.read_text().strip() != wanted:
        target = f".[{extras}]" if extras else "."
        print(f"Installing Parley and its dependencies ({target}) …", flush=True)
        pip = [str(venv_python()), "-m", "pip", "--disable-pip-version-check"]
        subprocess.run([*pip, "install", "--quiet", "--upgrade", "pip"], check=True, cwd=ROOT)
        subprocess.run([*pip, "install", "--quiet", "-e", target], check=True, cwd=ROOT)
        STAMP.write_text(wanted)
    return venv_python()


def exec_in_venv(python: Path, args: list[str]) -> None:
    """Replace this process with the venv's python running `args` (Ctrl-C goes to the bot)."""
    os.chdir(ROOT)
    if os.name == "nt":
        sys.exit(subprocess.call([str(python), *args]))
    os.execv(str(python), [str(python), *args])
