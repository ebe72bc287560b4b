"""What parsing a YAML inventory at the 20 MiB cap costs: time and peak memory per loader.

Builds alias-free YAML inventories as large as an import may be (`MAX_IMPORT_BYTES`), in
shapes that cost the parser most per byte, and parses each in a fresh process with:
`python` (PyYAML's pure-Python SafeLoader with our alias budget, `InventoryLoader`),
`libyaml` (libyaml's scanner and parser under the same composer, `CInventoryLoader`) and,
for reference, `csafe` (`yaml.CSafeLoader`, which cannot count aliases). Prints wall time,
CPU and the child's peak RSS for composing the node tree (`compose`) and for the whole
inventory parse (`parse`: `fleet.lib.import_ansible.parse_yaml`, which builds the hosts).

    .venv/bin/python bench/yaml_inventory.py [--mib 20] [--shapes flow,hosts,nested]
        [--nodes N]   # another node bound for the run, e.g. 10**9 to see the unbounded cost

`csafe` composes in C and never calls the bound: it always parses the whole file.
"""

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def flow(size: int) -> str:
    """One host with one variable: a flow list of one-character scalars (2 bytes a node)."""
    head = "all:\n  hosts:\n    h1:\n      v: ["
    return head + "1," * ((size - len(head) - 2) // 2) + "1]\n"


def hosts(size: int) -> str:
    """Hosts with short block-style variables, as a large real inventory looks."""
    lines = ["all:", "  hosts:"]
    total, n = 14, 0
    while total < size:
        line = f"    h{n:07d}: {{ansible_host: 10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}, x: 1}}"
        lines.append(line)
        total += len(line) + 1
        n += 1
    return "\n".join(lines) + "\n"


def nested(size: int) -> str:
    """Short block mappings nested in vars: many mapping nodes and keys per byte."""
    head = "all:\n  vars:\n    deep:\n"
    lines, total, i = [head], len(head), 0
    while total < size:
        line = f"      k{i}: {{a: 1, b: 2, c: 3}}\n"
        lines.append(line)
        total += len(line)
        i += 1
    return "".join(lines)


SHAPES = {"flow": flow, "hosts": hosts, "nested": nested}

CHILD = """
import json, resource, sys, time
sys.path.insert(0, {root!r})
import yaml
from fleet.lib import import_yaml
if {nodes!r}:
    import_yaml.MAX_YAML_NODES = {nodes!r}
text = open({path!r}).read()
loaders = {{"python": import_yaml.InventoryLoader, "csafe": yaml.CSafeLoader}}
if hasattr(import_yaml, "CInventoryLoader"):
    loaders["libyaml"] = import_yaml.CInventoryLoader
wall, cpu = time.monotonic(), time.process_time()
if {step!r} == "compose":
    try:
        yaml.compose(text, Loader=loaders[{loader!r}])
    except import_yaml.Refused as exc:
        print(json.dumps({{"refused": str(exc)}}))
else:
    import_yaml.LOADER = loaders[{loader!r}]
    from fleet.lib.import_ansible import parse_yaml
    parsed = parse_yaml(text)
    errors = [e.message for e in parsed.errors][:2]
    print(json.dumps({{"hosts": len(parsed.hosts), "errors": errors}}))
print(json.dumps({{"wall": time.monotonic() - wall, "cpu": time.process_time() - cpu,
    "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""


def measure(path: Path, loader: str, step: str, timeout: float, nodes: int) -> dict[str, object]:
    code = CHILD.format(root=str(ROOT), path=str(path), loader=loader, step=step, nodes=nodes)
    started = time.monotonic()
    try:
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        return {"error": f"over {timeout:.0f} s"}
    if done.returncode:
        return {"error": done.stderr.strip().splitlines()[-1:], "wall": time.monotonic() - started}
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    result: dict[str, object] = {}
    for line in lines:
        result.update(line)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mib", type=float, default=20.0)
    parser.add_argument("--shapes", default="flow,hosts,nested")
    parser.add_argument("--loaders", default="libyaml,csafe,python")
    parser.add_argument("--steps", default="compose,parse")
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument(
        "--nodes", type=int, default=0, help="MAX_YAML_NODES for the run (0: as configured)"
    )
    args = parser.parse_args()
    size = int(args.mib * 2**20)
    print(f"load average {Path('/proc/loadavg').read_text().split()[:3]}")
    with tempfile.TemporaryDirectory() as tmp:
        for shape in args.shapes.split(","):
            path = Path(tmp) / f"{shape}.yml"
            path.write_text(SHAPES[shape](size))
            print(f"{shape}: {path.stat().st_size / 2**20:.1f} MiB")
            for step in args.steps.split(","):
                for loader in args.loaders.split(","):
                    if loader == "csafe" and step == "parse":
                        continue  # it has no alias budget: not a loader the import may use
                    r = measure(path, loader, step, args.timeout, args.nodes)
                    if "error" in r:
                        print(f"  {step:7} {loader:7} {r['error']}")
                        continue
                    extra = f", {r['hosts']} hosts, errors {r['errors']}" if "hosts" in r else ""
                    extra += f", refused: {r['refused']}" if "refused" in r else ""
                    print(
                        f"  {step:7} {loader:7} {r['wall']:6.1f} s wall, {r['cpu']:6.1f} s CPU, "
                        f"peak RSS {r['peak_mib']:6.0f} MiB{extra}",
                        flush=True,
                    )


if __name__ == "__main__":
    main()
