"""A synthetic fleet for the web benchmark and for looking at the pages: hosts, groups, tags,
destinations, a few scans over past days, findings on the latest scan, small captures.

Everything is bulk-created; verdicts are computed with the engine's own `verdict()`.
Run `python -m bench.webdata --hosts 60` (after `django.setup()` via manage.py shell) or call
`generate()`.
"""

import datetime
import random
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from assessments.captures import capture_to_targz
from assessments.engine import verdict
from assessments.facts import ProbeOutput
from assessments.models import Capture, Finding, HostScan, Scan
from fleet.models import Host, HostGroup, Tag, TargetNode

SAMPLES = Path(__file__).resolve().parent.parent / "tests" / "samples"
CHECKS = {
    "linux": [
        (
            "filesystems",
            "filesystems.unsupported_fs",
            "Unsupported file system: {}",
            ["xfs", "nfs", "gfs2"],
        ),
        (
            "filesystems",
            "filesystems.many_mounts",
            "{} separate file systems are joined",
            ["7", "12"],
        ),
        ("ip_addresses", "ip_addresses.aliases", "{} IP addresses to carry over", ["3", "5"]),
        ("quotas", "quotas.enabled", "Disk quotas on {}", ["/home", "/srv"]),
        ("selinux", "selinux.enforcing", "SELinux is {}", ["enforcing", "permissive"]),
        ("xattrs", "xattrs.security", "Extended attributes in {}", ["security.ima", "user.*"]),
        ("raw_devices", "raw_devices.bound", "Raw device bound: {}", ["/dev/raw/raw1"]),
        ("mac_binding", "mac_binding.license", "Licence bound to MAC {}", ["00:16:3e:aa:bb:cc"]),
        ("transfer", "transfer.size", "{} GB to copy", ["80", "450"]),
    ],
    "windows": [
        ("os_version", "os_version.generation", "Windows Server {}", ["2003", "2008", "2008 R2"]),
        ("volumes", "volumes.multiple", "{} volumes become one", ["2", "4"]),
        ("qos", "qos.psched", "QoS Packet Scheduler {}", ["running", "with policies"]),
        ("architecture", "architecture.bitness", "{} operating system", ["32-bit", "64-bit"]),
    ],
}
# Host profiles: clean, with warnings, not fully checkable, blocked.
PROFILES = [
    ["pass"] * 9 + ["info"],
    ["pass"] * 8 + ["warning", "info"],
    ["pass"] * 8 + ["warning", "unknown"],
    ["pass"] * 6 + ["blocker", "warning", "warning", "info"],
    ["blocker", "warning", "warning", "pass"],  # a legacy mess
]
PROFILE_WEIGHTS = [3, 2, 1, 4, 0]
# The platform save_result stores with each result (os_name, os_version, windows_generation,
# architecture), as the checks judge the lab's profiles.
PLATFORMS = {
    "linux": [
        ("Red Hat Enterprise Linux Server 7.7 (Maipo)", "7.7", "", ""),
        ("CentOS release 6.7 (Final)", "", "", ""),
        ("Debian GNU/Linux 7 (wheezy)", "7", "", ""),
    ],
    "windows": [
        ("Microsoft Windows Server 2008 R2 Standard", "6.1.7601", "2008r2", "x64"),
        ("Microsoft(R) Windows(R) Server 2003, Standard Edition", "5.2.3790", "2003", "x86"),
        ("Microsoft Windows Server 2008 Enterprise", "6.0.6002", "2008", "x64"),
    ],
}
PLATFORM_FIELDS = ["platform_stored", "os_name", "os_version", "windows_generation"]
PLATFORM_FIELDS += ["architecture", "data_bytes"]
# The benchmark wants about 100,000 blocker and warning rows out of 200,000 findings.
HEAVY_WEIGHTS = [1, 1, 1, 1, 6]


def _capture(os_family: str, files: dict[str, bytes]) -> bytes:
    probes = {name: ProbeOutput(data, rc=0) for name, data in files.items()}
    return capture_to_targz(os_family, f"bench-{os_family}", probes)


def _address(number: int) -> str:
    return f"10.{number // 65536 % 256}.{number // 256 % 256}.{number % 256}"


def _sample(name: str) -> bytes:
    path = SAMPLES / name
    return path.read_bytes() if path.exists() else b""


def sample_captures() -> dict[str, bytes]:
    linux = {
        "uname": b"Linux web 2.6.32-754.el6.x86_64 #1 SMP x86_64 GNU/Linux\n",
        "os_release": b'NAME="CentOS Linux"\nVERSION="6.10 (Final)"\n',
        "df": _sample("linux-df-glpi.txt"),
        "proc_mounts": _sample("linux-proc-mounts-rhel7-xfs-noquota.txt"),
        "ip_addr": _sample("linux-ip-addr-show-rhel6era.txt"),
    }
    windows = {
        "wmic_os": _sample("windows-wmic-os-list-2008r2-crcrlf.txt"),
        "systeminfo": _sample("windows-systeminfo-2003sp2-x86.txt"),
        "wmic_logicaldisk": _sample("windows-wmic-logicaldisk-list-2008-fr-utf16le.txt"),
    }
    return {"linux": _capture("linux", linux), "windows": _capture("windows", windows)}


@transaction.atomic
def generate(
    hosts: int = 60,
    findings_per_host: int = 20,
    history_days: int = 3,
    captures: bool = True,
    seed: int = 7,
    weights: list[int] | None = None,
) -> None:
    """Create `hosts` hosts with about `findings_per_host` findings each on their latest scan."""
    rng = random.Random(seed)
    now = timezone.now()
    groups = [HostGroup.objects.get_or_create(name=n)[0] for n in ("web", "db", "legacy", "dmz")]
    tags = [Tag.objects.get_or_create(name=n)[0] for n in ("pci", "batch", "frontend")]
    for name, family, version, arch in (
        ("vz-linux-1", "linux", "", "x64"),
        ("pvc-win2008-1", "windows", "2008r2", "x64"),
        ("pvc-win2003-1", "windows", "2003", "x86"),
    ):
        TargetNode.objects.get_or_create(
            name=name,
            defaults={
                "os_family": family,
                "windows_version": version,
                "architecture": arch,
                "free_bytes": 2 * 1024**4,
            },
        )
    start = Host.objects.count()
    new_hosts = [
        Host(
            name=f"{'win' if i % 4 == 0 else 'lnx'}-{start + i:05d}",
            address=_address(start + i),
            os_family="windows" if i % 4 == 0 else "linux",
            notes="legacy billing" if i % 17 == 0 else "",
        )
        for i in range(hosts)
    ]
    Host.objects.bulk_create(new_hosts, batch_size=2000)
    created = list(Host.objects.order_by("-pk")[:hosts])[::-1]
    through = Host.groups.through
    through.objects.bulk_create(
        [
            through(host_id=h.pk, hostgroup_id=groups[i % len(groups)].pk)
            for i, h in enumerate(created)
        ],
        batch_size=5000,
    )
    tag_through = Host.tags.through
    tag_through.objects.bulk_create(
        [tag_through(host_id=h.pk, tag_id=tags[i % 3].pk) for i, h in enumerate(created) if i % 2],
        batch_size=5000,
    )
    scanned = [h for i, h in enumerate(created) if i % 23 != 5]  # some never scanned
    latest: dict[int, HostScan] = {}
    for day in range(history_days, -1, -1):
        when = now - datetime.timedelta(days=day, minutes=rng.randint(0, 30))
        scan = Scan.objects.create(status="finished", created=when, started=when, finished=when)
        batch = [
            HostScan(
                scan=scan,
                host=h,
                status="failed" if i % 31 == 7 else "done",
                error_class="unreachable" if i % 31 == 7 else "",
                transport="winrm" if h.os_family == "windows" else "ssh",
                os_family=h.os_family,
                created=when,
                started=when,
                finished=when + datetime.timedelta(seconds=rng.randint(2, 40)),
                verdict=rng.choice(["ready", "conditional", "not_ready", "not_ready", "unknown"]),
            )
            for i, h in enumerate(scanned)
        ]
        HostScan.objects.bulk_create(batch, batch_size=2000)
        if day == 0:
            latest = {hs.host_id: hs for hs in batch}
    findings: list[Finding] = []
    for host in scanned:
        host_scan = latest[host.pk]
        if host_scan.status != "done":
            continue
        checks = CHECKS[host.os_family]
        profile = rng.choices(PROFILES, weights or PROFILE_WEIGHTS)[0]
        for n in range(findings_per_host):
            restriction, check_id, title, values = checks[n % len(checks)]
            severity = rng.choice(profile)
            findings.append(
                Finding(
                    host_scan=host_scan,
                    host=host,
                    restriction=restriction,
                    check_id=check_id if n < len(checks) else f"{check_id}.{n}",
                    severity=severity,
                    title=title.format(rng.choice(values)),
                    evidence=f"$ probe {restriction}\n"
                    + "\n".join(f"line {k}: value {rng.randint(0, 999)}" for k in range(4)),
                    remediation="" if severity == "pass" else f"Resolve {restriction} first.",
                )
            )
        if len(findings) >= 20000:
            Finding.objects.bulk_create(findings, batch_size=5000)
            findings = []
    Finding.objects.bulk_create(findings, batch_size=5000)
    pairs: dict[int, list[tuple[str, bool]]] = {}
    for host_id, severity in (
        Finding.objects.filter(host_scan_id__in=[hs.pk for hs in latest.values()])
        .values_list("host_id", "severity")
        .iterator(chunk_size=10000)
    ):
        pairs.setdefault(host_id, []).append((severity, False))
    for host in scanned:
        host_scan = latest[host.pk]
        host.latest_scan = host_scan
        host.last_scanned = host_scan.finished
        host.verdict = verdict(pairs.get(host.pk, []), scanned=host_scan.status == "done")
        host_scan.verdict = host.verdict
        if host_scan.status == "done":
            name, version, generation, arch = rng.choice(PLATFORMS[host.os_family])
            host_scan.platform_stored = True
            host_scan.os_name, host_scan.os_version = name, version
            host_scan.windows_generation, host_scan.architecture = generation, arch
            # One in twenty sizes unknown (df failed, a volume without FreeSpace).
            unknown = rng.random() < 0.05
            host_scan.data_bytes = None if unknown else rng.randint(2, 400) * 1024**3
    Host.objects.bulk_update(scanned, ["latest_scan", "last_scanned", "verdict"], batch_size=2000)
    HostScan.objects.bulk_update(
        list(latest.values()), ["verdict", *PLATFORM_FIELDS], batch_size=2000
    )
    if captures:
        blobs = sample_captures()
        Capture.objects.bulk_create(
            [
                Capture(host_scan=hs, data=blobs[hs.os_family], size=len(blobs[hs.os_family]))
                for hs in latest.values()
                if hs.status == "done"
            ],
            batch_size=500,
        )
