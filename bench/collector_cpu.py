"""Benchmark: CPU of the collectors alone, per Linux and per Windows host, in one thread.

Starts a fleet lab in a process of its own (`manage.py fleetlab`, no latency, no faults),
imports its inventory (every host in a group that trusts first host keys), then collects
every host one after another, in rounds, exactly as a batch does (`build_target`, then
`collectors.collect`), timing this process's CPU for each (`time.process_time`: the lab's
CPU is not in it). The first round meets every host key and is not counted. Prints the mean
CPU per host of each OS family and round.

    .venv/bin/python bench/collector_cpu.py [--hosts 300] [--rounds 3]

Defaults: DATABASE_URL=postgres://postgres@127.0.0.1:5432/p2c_bench_collectors,
REDIS_URL=redis://127.0.0.1:6379/7 (it deletes every host and scan there).
"""

import argparse
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/p2c_bench_collectors")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/7")

from bench import scanning


def start_lab(hosts: int, inventory: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    command = [sys.executable, "manage.py", "fleetlab", "--hosts", str(hosts)]
    command += ["--inventory", str(inventory), "--seed", "1", "--faults", "none"]
    lab = subprocess.Popen(command, env=env, cwd=scanning.ROOT, stdout=subprocess.DEVNULL)
    for _ in range(600):
        if inventory.exists() and inventory.stat().st_size:
            time.sleep(1)  # the file is written first, then the hosts start listening
            return lab
        time.sleep(0.1)
    lab.terminate()
    raise SystemExit("the fleet lab did not write its inventory")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hosts", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    env = scanning.setup_django()
    scanning.reset_inventory()
    from django.core.management import call_command

    from assessments import collectors
    from assessments.scanning.targets import build_target
    from fleet.models import Host, HostGroup

    with tempfile.TemporaryDirectory() as directory:
        inventory = Path(directory) / "inventory.csv"
        lab = start_lab(args.hosts, inventory, env)
        try:
            call_command("import_hosts", str(inventory), stdout=io.StringIO())
            group, _ = HostGroup.objects.get_or_create(
                name="bench-tofu", defaults={"trust_first_host_key": True}
            )
            group.hosts.add(*Host.objects.all())
            ids = list(Host.objects.values_list("pk", flat=True))
            for number in range(args.rounds + 1):
                cpu: dict[str, list[float]] = {}
                for pk in ids:
                    host = Host.objects.select_related("credential", "target").get(pk=pk)
                    started = time.process_time()
                    try:
                        collectors.collect(*build_target(host, 30))
                    except collectors.CollectError as exc:
                        print(f"  {host.name}: {exc}")
                    cpu.setdefault(host.os_family, []).append(time.process_time() - started)
                if number:
                    figures = ", ".join(
                        f"{family} {1000 * statistics.mean(v):.2f} ms/host (n={len(v)})"
                        for family, v in sorted(cpu.items())
                    )
                    print(f"round {number}: {figures}", flush=True)
        finally:
            lab.terminate()
            lab.wait(10)


if __name__ == "__main__":
    main()
