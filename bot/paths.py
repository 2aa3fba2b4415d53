"""Where the project's data folders live, found relative to the source tree.

Parley runs from a clone (editable install), so `content/`, `seeds/` and `migrations/` sit next to
the `bot` package rather than inside it.
"""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CONTENT_DIR = PROJECT_ROOT / "content"
SEEDS_DIR = PROJECT_ROOT / "seeds"
MIGRATIONS_DIR = PROJECT_ROOT / "migrations"
DEFAULT_DATA_DIR = PROJECT_ROOT / "data"
