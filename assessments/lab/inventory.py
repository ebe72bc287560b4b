"""Start a simulated fleet, and describe it: CSV inventory, credentials, Host rows.

    with start_lab(50, latency_ms=300, seed=1) as lab:
        ensure_credentials(lab)
        write_inventory(lab, "fleet.csv")   # for import_hosts
        # or: create_hosts(lab)             # Host rows directly (tests, benchmarks)

Hosts are a seeded mix of the profiles (`profiles.MIX`) with a few faults; every host
listens on its own loopback port, all served by one accept loop and one bounded pool.
"""

import csv
import random
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from assessments.lab import faults as fault_kinds
from assessments.lab import ntlm
from assessments.lab.acceptor import Acceptor
from assessments.lab.model import LabCredentials, LabHost, ed25519_key, ed25519_pem
from assessments.lab.profiles import MIX, profiles
from assessments.lab.ssh_server import SshHostServer
from assessments.lab.tls import LabTls
from assessments.lab.wsman_server import WsmanHost, command_map

if TYPE_CHECKING:
    from fleet.models import Host

HEADER = (
    "name,address,port,os_family,groups,tags,credential,target,jump_host,use_sudo,"
    "allow_legacy_ssh,winrm_scheme,winrm_port,winrm_transport"
).split(",")
GROUP = "fleetlab"
SSH_CREDENTIAL = "fleetlab-ssh"
SSH_KEY_CREDENTIAL = "fleetlab-ssh-key"
WINRM_CREDENTIAL = "fleetlab-winrm"
USERNAME = "labadmin"


@dataclass(frozen=True)
class HostSpec:
    """One host to simulate, for tests that want exact hosts rather than a random mix."""

    profile: str
    fault: str = ""
    name: str = ""
    latency_ms: int | None = None
    https: bool = False  # WinRM over TLS with the lab's self-signed certificate


def plan(
    n_hosts: int,
    *,
    seed: int = 0,
    faults: str | Mapping[str, float] | None = None,
    mix: Sequence[tuple[str, int]] = MIX,
) -> list[HostSpec]:
    """A seeded, realistic fleet: profiles drawn by weight, then faults spread over it."""
    rng = random.Random(seed)
    names = [name for name, _ in mix]
    chosen = rng.choices(names, weights=[weight for _, weight in mix], k=n_hosts)
    families = [profiles()[name].os_family for name in chosen]
    assigned = fault_kinds.assign(families, faults, rng)
    return [HostSpec(profile, fault) for profile, fault in zip(chosen, assigned, strict=True)]


def _lab_secret(state_dir: Path | None) -> bytes:
    if state_dir is None:
        return secrets.token_bytes(32)
    state_dir.mkdir(parents=True, exist_ok=True)
    path = state_dir / "lab-secret"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return bytes.fromhex(path.read_text().strip())


class Lab:
    """A running simulated fleet; `stop()` (or leaving the `with` block) ends it."""

    def __init__(
        self,
        hosts: list[LabHost],
        credentials: LabCredentials,
        acceptor: Acceptor,
        tls: LabTls | None = None,
        wsman_hosts: dict[str, WsmanHost] | None = None,
    ) -> None:
        self.hosts = hosts
        self.credentials = credentials
        self._acceptor = acceptor
        self._tls = tls
        self.wsman_hosts = wsman_hosts or {}  # the WS-Man state of the Windows hosts, by name
        # The self-signed certificate (PEM) of the HTTPS hosts, to trust it in tests.
        self.certificate = tls.certificate if tls else None

    def host(self, name: str) -> LabHost:
        return next(host for host in self.hosts if host.name == name)

    def wsman(self, name: str) -> WsmanHost:
        return self.wsman_hosts[name]

    def stop(self) -> None:
        self._acceptor.stop()
        if self._tls:
            self._tls.close()

    def __enter__(self) -> "Lab":
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def start_lab(
    n_hosts: int = 0,
    *,
    latency_ms: int = 0,
    seed: int = 0,
    faults: str | Mapping[str, float] | None = None,
    hosts: Iterable[HostSpec] | None = None,
    state_dir: str | Path | None = None,
    base_port: int = 0,
    workers: int = 128,
    huge_bytes: int = fault_kinds.HUGE_BYTES,
) -> Lab:
    """Start `n_hosts` planned hosts (or exactly `hosts`) on 127.0.0.1 and return the Lab.

    `base_port` 0 lets the kernel pick free ports; otherwise host i listens on base_port + i
    (stable across restarts, with `state_dir` also keeping host keys and the password).
    """
    specs = list(hosts) if hosts is not None else plan(n_hosts, seed=seed, faults=faults)
    secret = _lab_secret(Path(state_dir) if state_dir else None)
    credentials = LabCredentials(
        username=USERNAME,
        password=secret.hex()[:24],
        client_key=ed25519_key(secret, "client"),
        client_key_pem=ed25519_pem(secret, "client"),
    )
    acceptor = Acceptor(workers=workers)
    if any(profiles()[spec.profile].os_family == "windows" for spec in specs):
        ntlm.register(credentials.username, credentials.password)
    tls = LabTls() if any(spec.https for spec in specs) else None
    ssh = SshHostServer(credentials, huge_bytes=huge_bytes)
    commands = command_map()
    lab_hosts = []
    wsman_hosts = {}
    try:
        for index, spec in enumerate(specs):
            profile = profiles()[spec.profile]
            name = spec.name or f"lab-{index + 1:04d}"
            host = LabHost(
                name=name,
                os_family=profile.os_family,
                profile=profile.name,
                probes=profile.for_host(name),
                fault=spec.fault,
                latency_ms=latency_ms if spec.latency_ms is None else spec.latency_ms,
                host_key=ed25519_key(secret, f"host:{name}"),
                rotated_key=ed25519_key(secret, f"rotated:{name}"),
                https=spec.https,
            )
            port = base_port + index if base_port else 0
            if host.fault == fault_kinds.REFUSED:
                host.port = acceptor.reserve(host.address, port)
            elif host.fault == fault_kinds.HANG:
                host.port = acceptor.listen(host.address, port, None)
            elif host.os_family == "linux":
                host.port = acceptor.listen(host.address, port, ssh.handler(host))
            else:
                context = tls.context if tls and host.https else None
                wsman = WsmanHost(host, credentials, commands, huge_bytes, context)
                host.port = acceptor.listen(host.address, port, wsman.handle)
                wsman_hosts[name] = wsman
            lab_hosts.append(host)
    except BaseException:
        acceptor.stop()
        if tls:
            tls.close()
        raise
    acceptor.start()
    return Lab(lab_hosts, credentials, acceptor, tls, wsman_hosts)


def ensure_credentials(lab: Lab) -> None:
    """The lab's credentials and its `fleetlab` group (trusting first host keys) in the database."""
    from fleet.choices import CredentialKind, WinrmTransport
    from fleet.models import Credential, HostGroup

    rows = [
        (SSH_CREDENTIAL, CredentialKind.SSH_PASSWORD, lab.credentials.password),
        (SSH_KEY_CREDENTIAL, CredentialKind.SSH_KEY, lab.credentials.client_key_pem),
        (WINRM_CREDENTIAL, CredentialKind.WINRM, lab.credentials.password),
    ]
    for name, kind, secret in rows:
        credential, _ = Credential.objects.get_or_create(
            name=name, defaults={"kind": kind, "username": USERNAME}
        )
        credential.kind, credential.username = kind, USERNAME
        credential.winrm_transport = WinrmTransport.BASIC
        credential.validate_certificate = False
        credential.set_secret(secret)
        credential.save()
    HostGroup.objects.update_or_create(
        name=GROUP,
        defaults={
            "trust_first_host_key": True,
            "description": "Simulated hosts of the fleet lab (python manage.py fleetlab).",
        },
    )


def inventory_rows(lab: Lab) -> list[dict[str, str]]:
    """One CSV row per host, in the design's inventory columns."""
    rows = []
    for host in lab.hosts:
        linux = host.os_family == "linux"
        tags = [GROUP, f"profile-{host.profile}"] + ([f"fault-{host.fault}"] if host.fault else [])
        rows.append(
            {
                "name": host.name,
                "address": host.address,
                "port": str(host.port) if linux else "",
                "os_family": host.os_family,
                "groups": GROUP,
                "tags": ";".join(tags),
                "credential": SSH_CREDENTIAL if linux else WINRM_CREDENTIAL,
                "target": "",
                "jump_host": "",
                "use_sudo": "false",
                "allow_legacy_ssh": "false",
                "winrm_scheme": "" if linux else ("https" if host.https else "http"),
                "winrm_port": "" if linux else str(host.port),
                "winrm_transport": "" if linux else "basic",
            }
        )
    return rows


def write_inventory(lab: Lab, path: str | Path) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=HEADER)
        writer.writeheader()
        writer.writerows(inventory_rows(lab))


def create_hosts(lab: Lab) -> list["Host"]:
    """Host rows for every lab host (in the `fleetlab` group), without going through a CSV."""
    from fleet.models import Credential, Host, HostGroup

    ensure_credentials(lab)
    group = HostGroup.objects.get(name=GROUP)
    credentials = {c.name: c for c in Credential.objects.filter(name__startswith=GROUP)}
    created = []
    for row in inventory_rows(lab):
        host, _ = Host.objects.update_or_create(
            name=row["name"],
            defaults={
                "address": row["address"],
                "port": int(row["port"]) if row["port"] else None,
                "os_family": row["os_family"],
                "credential": credentials[row["credential"]],
                "winrm_scheme": row["winrm_scheme"] or "http",
                "winrm_port": int(row["winrm_port"]) if row["winrm_port"] else None,
                "winrm_transport": row["winrm_transport"],
            },
        )
        host.groups.add(group)
        created.append(host)
    return created
