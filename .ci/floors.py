"""Print a pip constraints file that pins every runtime and test dependency of
pyproject.toml at its declared floor (``name>=X`` -> ``name==X``).

Read from pyproject.toml each time, so the floor job cannot drift from what we
declare. ``--override NAME==VERSION`` replaces one floor (CI can only install the
local torch build). A dependency without a ``>=`` floor is an error.
"""

import argparse
import pathlib
import re
import sys
import tomllib

ROOT = pathlib.Path(__file__).resolve().parent.parent


def floors(extras: list[str]) -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    deps = list(project["dependencies"])
    for extra in extras:
        deps += project["optional-dependencies"][extra]
    pins = {}
    for dep in deps:
        match = re.fullmatch(r"([A-Za-z0-9_.-]+)(\[[^\]]*\])?\s*>=\s*([^,;\s]+)", dep.strip())
        if match is None:
            sys.exit(f"floors.py: {dep!r} has no single '>=' floor")
        name, version = match.group(1).lower(), match.group(3)
        if name in pins and pins[name] != version:
            sys.exit(f"floors.py: {name} has two floors, {pins[name]} and {version}")
        pins[name] = version
    return pins


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--extra", action="append", default=[], help="also this extra's deps")
    parser.add_argument("--override", action="append", default=[], help="NAME==VERSION")
    args = parser.parse_args()
    pins = floors(args.extra)
    for item in args.override:
        name, _, version = item.partition("==")
        if name.lower() not in pins:
            sys.exit(f"floors.py: --override {item}: {name} is not a dependency")
        pins[name.lower()] = version
    for name, version in pins.items():
        print(f"{name}=={version}")


if __name__ == "__main__":
    main()
