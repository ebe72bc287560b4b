"""Benchmark (a): the full scan pipeline vs a bare paramiko thread pool, one real sshd.

200 host entries all point at one OpenSSH sshd on loopback (this machine). Both sides run
the same probe script over the same number of concurrent SSH sessions:
- pipeline: `start_scan` -> Redis -> forking `rqworker` processes -> claim -> SSH collector
  (host key pinning, deadlines) -> parsing, checks, findings, capture -> PostgreSQL;
- baseline: a ThreadPoolExecutor of paramiko Transports (TCP_NODELAY too) that only read the
  output.
Prints hosts/s of each and their ratio (required: pipeline >= 0.8 x baseline). Run as root
(sshd): `.venv/bin/python bench/scan_vs_paramiko.py [--hosts 200] [--concurrency 16]`.
"""

import argparse
import socket
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import scanning


def bare_scan(port: int, script_for, user: str, password: str) -> int:
    """One host the bare way: connect, authenticate, run the script, read everything."""
    import paramiko

    from assessments.probes.framing import new_token

    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    transport = paramiko.Transport(sock)
    try:
        transport.start_client(timeout=30)
        transport.auth_password(user, password)
        channel = transport.open_session()
        channel.exec_command("/bin/sh -s")
        channel.sendall(script_for(False, new_token()).encode())
        channel.shutdown_write()
        size = 0
        while chunk := channel.recv(65536):
            size += len(chunk)
        channel.recv_exit_status()
        return size
    finally:
        transport.close()


def run_baseline(hosts: int, concurrency: int, port: int, script_for, user, password) -> float:
    def one(_: int) -> int:
        try:
            return bare_scan(port, script_for, user, password)
        except Exception as exc:  # counted, like the pipeline's failed hosts
            print(f"  baseline host failed: {type(exc).__name__}: {exc}")
            return 0

    started = time.monotonic()
    with ThreadPoolExecutor(concurrency) as pool:
        sizes = list(pool.map(one, range(hosts)))
    seconds = time.monotonic() - started
    print(f"  baseline: {sum(1 for s in sizes if s)}/{hosts} hosts read in {seconds:.2f} s")
    return seconds


def run_pipeline(hosts: int) -> float:
    from assessments.scanning.scans import scan_progress, start_scan

    scan = start_scan({"groups": ["bench"]})
    seconds = scanning.wait_for(scan.pk)
    progress = scan_progress(scan)
    print(f"  pipeline: {progress['done']}/{hosts} hosts done in {seconds:.2f} s")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hosts", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    env = scanning.setup_django(
        SCAN_CONCURRENCY=args.concurrency, SCAN_BATCH_SIZE=args.hosts, SCAN_HOST_DEADLINE=120
    )
    env["BENCH_PROBES"] = "light"

    from bench.worker import light_script
    from fleet.models import Credential, Host, HostGroup
    from tests.sshd import TEST_PASSWORD, TEST_USER, ensure_user, start_sshd

    ensure_user(TEST_USER, sudo=True)
    sshd = start_sshd(
        Path(tempfile.mkdtemp(prefix="bench-sshd-")),
        extra_config=["MaxStartups 1000", "MaxSessions 1000"],
    )
    scanning.reset_inventory()
    credential, _ = Credential.objects.get_or_create(
        name="bench", defaults={"kind": "ssh_password", "username": TEST_USER}
    )
    credential.set_secret(TEST_PASSWORD)
    credential.save()
    group, _ = HostGroup.objects.get_or_create(name="bench", trust_first_host_key=True)
    for i in range(args.hosts):
        host = Host.objects.create(
            name=f"bench-{i:04d}",
            address="127.0.0.1",
            port=sshd.port,
            os_family="linux",
            credential=credential,
        )
        host.groups.add(group)
    workers = scanning.start_workers(1, env)
    try:
        scanning.wait_idle(1)
        first = run_pipeline(args.hosts)
        print(f"pipeline, first contact (pins {args.hosts} host keys): {first:.2f} s")
        run_baseline(20, args.concurrency, sshd.port, light_script, TEST_USER, TEST_PASSWORD)
        pipeline, baseline = [], []
        for _ in range(args.rounds):
            pipeline.append(run_pipeline(args.hosts))
            baseline.append(
                run_baseline(
                    args.hosts, args.concurrency, sshd.port, light_script, TEST_USER, TEST_PASSWORD
                )
            )
    finally:
        scanning.stop_workers(workers)
        sshd.stop()
    best_pipeline, best_baseline = min(pipeline), min(baseline)
    ratios = [b / p for p, b in zip(pipeline, baseline, strict=True)]
    print(f"hosts {args.hosts}, concurrent sessions {args.concurrency}, rounds {args.rounds}")
    print("pipeline  s: " + ", ".join(f"{s:.2f}" for s in pipeline))
    print("baseline  s: " + ", ".join(f"{s:.2f}" for s in baseline))
    print(
        "ratio per round (pipeline throughput / baseline): " + ", ".join(f"{r:.2f}" for r in ratios)
    )
    print(f"pipeline  {args.hosts / best_pipeline:.1f} hosts/s (best round)")
    print(f"baseline  {args.hosts / best_baseline:.1f} hosts/s (best round)")
    ratio = best_baseline / best_pipeline
    median = statistics.median(ratios)
    verdict = "PASS" if min(ratio, median) >= 0.8 else "FAIL"
    print(f"ratio     best rounds {ratio:.2f}, median {median:.2f} (required >= 0.80): {verdict}")


if __name__ == "__main__":
    main()
