"""Copy plotly.js into static/vendor/ at build time. Run as `python -m p2c.vendor`.

Fleets are often air-gapped: the browser gets plotly.js from our own static files, never
from a CDN, and the file is never committed: it comes from an installed package.

Two installed packages can provide it, and the smaller wins when it is usable:

- `plotly.js-basic-dist-min` from npm (`package.json`, installed by `make install` with
  `npm ci`): the bar, pie and scatter traces, all our charts draw; 1.2 MB.
- the plotly Python package's own full bundle (`plotly/package_data/plotly.min.js`), 4.8 MB:
  always there, so a machine without npm or without the npm registry still builds.

The basic bundle is taken only when its plotly.js version is the Python package's: the
figures `charts.py` builds are checked against that version, and a stale `node_modules`
after a plotly upgrade must not serve an older plotly.js. The choice and its reason are
printed, so a build log says which bundle the pages get.
"""

import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import plotly

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "static" / "vendor" / "plotly.min.js"
BASIC = ROOT / "node_modules" / "plotly.js-basic-dist-min" / "plotly-basic.min.js"
FULL = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"

# Both bundles open with a banner: "plotly.js v4.1.1" or "plotly.js (basic - minified) v4.1.1".
_VERSION = re.compile(r"plotly\.js(?: \([^)\n]*\))? v(\d+\.\d+\.\d+)")


@dataclass(frozen=True)
class Choice:
    source: Path
    reason: str


def bundle_version(path: Path) -> str | None:
    """The plotly.js version in a bundle's banner, None when the file has none."""
    with path.open("rb") as bundle:
        head = bundle.read(512).decode("utf-8", "replace")
    match = _VERSION.search(head)
    return match.group(1) if match else None


def choose(full: Path = FULL, basic: Path = BASIC) -> Choice:
    """The bundle to serve: the basic one when present and of the full one's version."""
    if not full.exists():
        raise FileNotFoundError(f"plotly.min.js not found in the installed plotly package ({full})")
    wanted = bundle_version(full)
    if not basic.exists():
        return Choice(
            full, f"{basic} is not installed (npm ci was not run or could not reach its registry)"
        )
    found = bundle_version(basic)
    if wanted is None or found != wanted:
        return Choice(
            full,
            f"{basic.name} is plotly.js {found or 'of no known version'}, the plotly package "
            f"has {wanted or 'no version banner'}: set package.json to {wanted} and run npm ci",
        )
    return Choice(basic, f"plotly.js {wanted} basic bundle (bar, pie, scatter)")


def main() -> int:
    try:
        choice = choose()
    except FileNotFoundError as error:
        print(error, file=sys.stderr)
        return 1
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(choice.source, TARGET)
    size = TARGET.stat().st_size
    kind = "basic" if choice.source != FULL else "full"
    print(f"copied the {kind} plotly.js bundle ({size:,} bytes): {choice.reason}")
    print(f"  {choice.source} -> {TARGET}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
