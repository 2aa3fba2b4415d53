"""Independent check of the Hanoi pack's second edition (issue 13), outside the content check.

Reads the YAML files and the seed with PyYAML and plain string matching only (no Parley code for
the checks themselves), so that a bug in `parley content check` cannot hide a fault here:

- every article card's quote occurs verbatim in its cited paragraph (typographic quotes,
  apostrophes and dashes folded, whitespace collapsed);
- every public-record card has a source and a date;
- every role has at least two agenda items on which its points differ by option;
- the deciders' (US, DPRK) zone of possible agreement is non-empty but small: counted here by
  brute force over every package, with the option rules' blockers.

Run: `python3 scripts/verify_hanoi.py` (exit 1 on any failure). Prints its figures.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
PACK = ROOT / "content" / "hanoi-2019"
SEED = ROOT / "seeds" / "hanoi-no-agreement.txt"
SMALL_ZONE_SHARE = 0.05
"""'Small': at most this share of all packages."""


def fold(text: str) -> str:
    table = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "—": "-", "–": "-"})
    return " ".join(text.translate(table).split())


def load_pack() -> dict[str, Any]:
    data: dict[str, Any] = {}
    for path in sorted(PACK.rglob("*.yaml")):
        content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for key, value in content.items():
            if isinstance(value, dict) and isinstance(data.get(key), dict):
                data[key].update(value)
            else:
                data[key] = value
    return data


def main() -> int:
    failures: list[str] = []
    paragraphs = [
        p.strip() for p in re.split(r"\n\s*\n", SEED.read_text(encoding="utf-8")) if p.strip()
    ]
    pack = load_pack()

    # 1. article quotes
    cards = list(pack.get("cards", []))
    for brief in pack["briefs"].values():
        cards += brief.get("cards", [])
    verbatim = 0
    for card in cards:
        n = card["paragraph"]
        if 1 <= n <= len(paragraphs) and fold(card["quote"]) in fold(paragraphs[n - 1]):
            verbatim += 1
        else:
            failures.append(f"card {card['id']}: quote not verbatim in ¶{n}")
    print(f"Article cards verbatim in their paragraph: {verbatim} of {len(cards)}")

    # 2. record cards
    record = pack.get("record", [])
    sourced = 0
    for card in record:
        ok = bool(str(card.get("source", "")).strip()) and isinstance(card.get("date"), dt.date)
        sourced += ok
        if not ok:
            failures.append(f"record card {card.get('id')}: source or date missing")
    print(f"Public-record cards with a source and a date: {sourced} of {len(record)}")

    # 3. stakes per role
    agenda = pack["agenda"]
    options = {
        item["id"]: [o["id"] for o in item.get("options", [])] or ["adopt"] for item in agenda
    }
    schedules = pack["schedules"]
    actors = [a["id"] for a in pack["actors"]]
    for actor in actors:
        items = schedules[actor]["items"]
        varied = [
            item
            for item, opts in options.items()
            if len({items[item][o]["points"] for o in opts}) > 1
        ]
        print(f"  {actor}: points differ by option on {len(varied)} items ({', '.join(varied)})")
        if len(varied) < 2:
            failures.append(f"{actor}: fewer than two items where its points differ by option")

    # 4. the zone, by brute force
    deciders = pack["decision_rule"]["must_agree"]
    rules = {
        (item["id"], o["id"]): o.get("rule") or {}
        for item in agenda
        for o in item.get("options", [])
    }
    no_deal = {a: schedules[a]["no_deal"]["points"] for a in actors}
    total = zone = 0
    for combo in itertools.product(*[[None, *opts] for opts in options.values()]):
        if all(choice is None for choice in combo):
            continue
        total += 1
        chosen = dict(zip(options, combo, strict=True))
        score = {
            a: sum(schedules[a]["items"][i][o]["points"] for i, o in chosen.items() if o)
            for a in actors
        }
        blockers = set(deciders)
        for item_id, option_id in chosen.items():
            rule = rules.get((item_id, option_id), {}) if option_id else {}
            blockers |= set(rule.get("must_agree", [])) | set(rule.get("no_veto_from", []))
        if all(score[a] > no_deal[a] for a in blockers):
            zone += 1
    share = zone / total
    print(
        f"Zone of possible agreement (deciders {' + '.join(deciders)}, with option rules): "
        f"{zone} of {total} packages ({share:.1%})"
    )
    if not 0 < share <= SMALL_ZONE_SHARE:
        failures.append(f"zone is {zone} packages: not non-empty and small")

    for failure in failures:
        print("FAIL:", failure)
    print("OK" if not failures else f"{len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
