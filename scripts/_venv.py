"""Create or refresh the project's virtual environment, using only the standard library.

Both README commands start here, so a fresh clone on a machine with nothing but Python >= 3.11 and
git works, and a changed pyproject.toml is picked up without anyone remembering to reinstall.
One environment serves both commands: it remembers which extras it holds, and a command whose
extras it already holds (the run command needs none; the tests need `dev`) starts at once.
"""

from __future__ import annotations

import hashlib
import json
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


def _fingerprint() -> str:
    """What the installed packages depend on: the requirements and the Python running them."""
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes())
    digest.update(sys.version.encode())
    return digest.hexdigest()


def _extras(extras: str) -> set[str]:
    return {part.strip() for part in extras.split(",") if part.strip()}


def _installed() -> tuple[str, set[str]] | None:
    """(fingerprint, extras) of the last install, or None (no stamp, or an older kind)."""
    try:
        stamp = json.loads(STAMP.read_text())
        return str(stamp["fingerprint"]), set(stamp["extras"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def ensure(extras: str = "", *, fresh: bool = False) -> Path:
    """Return the venv's python, installing Parley with `extras` when the venv lacks them."""
    if fresh and VENV.exists():
        shutil.rmtree(VENV)
    if not venv_python().exists():
        print(f"Creating a virtual environment in {VENV} …", flush=True)
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    wanted = _extras(extras)
    fingerprint = _fingerprint()
    installed = _installed()
    if installed is not None and installed[0] == fingerprint and wanted <= installed[1]:
        return venv_python()
    # pip never removes what an earlier install added, so keep the earlier extras current too:
    # the next command that needs them then starts at once.
    if installed is not None:
        wanted |= installed[1]
    target = f".[{','.join(sorted(wanted))}]" if wanted else "."
    print(f"Installing Parley and its dependencies ({target}) …", flush=True)
    pip = [str(venv_python()), "-m", "pip", "--disable-pip-version-check"]
    subprocess.run([*pip, "install", "--quiet", "--upgrade", "pip"], check=True, cwd=ROOT)
    subprocess.run([*pip, "install", "--quiet", "-e", target], check=True, cwd=ROOT)
    STAMP.write_text(json.dumps({"fingerprint": fingerprint, "extras": sorted(wanted)}))
    return venv_python()


def exec_in_venv(python: Path, args: list[str]) -> None:
    """Replace this process with the venv's python running `args` (Ctrl-C goes to the bot)."""
    os.chdir(ROOT)
    if os.name == "nt":
        sys.exit(subprocess.call([str(python), *args]))
    os.execv(str(python), [str(python), *args])
