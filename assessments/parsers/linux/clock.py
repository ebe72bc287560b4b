"""Time-service configuration (`ntp_config`: ntp.conf, chrony.conf, OpenNTPD's ntpd.conf under
`==> path <==` headers): where time comes from, whether this host serves it to others, and
whether it reads a hardware reference clock."""

import re
from dataclasses import dataclass, field

from assessments.facts import ProbeOutput
from assessments.parsers.linux.sections import split_sections
from assessments.parsers.linux.unread import Reading
from assessments.parsers.text import decode


@dataclass(frozen=True)
class Directive:
    daemon: str  # "ntpd" | "chronyd" (OpenNTPD's ntpd.conf counts as "ntpd")
    path: str
    words: tuple[str, ...]
    line: str

    @property
    def keyword(self) -> str:
        return self.words[0].lower() if self.words else ""


@dataclass(frozen=True)
class NtpConfig:
    directives: list[Directive] = field(default_factory=list)
    files: list[str] = field(default_factory=list)

    def of(self, daemon: str) -> list[Directive]:
        return [d for d in self.directives if d.daemon == daemon]

    def sources(self, daemon: str) -> list[Directive]:
        """Upstream time sources: `server`, `pool`, `peer` (reference clocks excluded)."""
        return [
            d
            for d in self.of(daemon)
            if d.keyword in ("server", "servers", "pool", "peer")
            and not _refclock_address(d)
            and len(d.words) > 1
        ]

    def serving(self, daemon: str) -> list[Directive]:
        """Directives that serve time to other hosts on purpose: chrony `allow`, ntpd
        `restrict NETWORK mask ...` without `ignore`/`noserve`, `broadcast`, `manycastserver`,
        OpenNTPD `listen on`. (Every ntpd answers time queries unless `restrict default
        ignore`; only explicit openings count.) A single-host `restrict` (mask
        255.255.255.255) for one of the configured sources sets what that source may do here:
        RHEL 5/6 era clients write one for each server."""
        own = {d.words[1].lower() for d in self.sources(daemon)}
        return [d for d in self.of(daemon) if _serves(d) and not _source_permission(d, own)]

    def reference_clocks(self, daemon: str) -> list[Directive]:
        """Hardware reference clocks: ntpd drivers 127.127.T.U other than the undisciplined
        local clock (T = 1), chrony `refclock` (PHC, PPS, SHM, SOCK) other than the clock a
        hypervisor gives its guests (see `hypervisor_clocks`)."""
        return [
            d
            for d in self.of(daemon)
            if (d.keyword == "refclock" and not _hypervisor_phc(d))
            or (_refclock_address(d) not in ("", "1"))
        ]

    def hypervisor_clocks(self, daemon: str) -> list[Directive]:
        """chrony `refclock PHC` on a hypervisor's virtual PTP clock (`/dev/ptp_hyperv` of
        Hyper-V and Azure, `/dev/ptp_kvm`, `/dev/ptp_vmw`): the host's time, no hardware.
        A bare `/dev/ptpN` may be a NIC's clock and stays a reference clock."""
        return [d for d in self.of(daemon) if d.keyword == "refclock" and _hypervisor_phc(d)]


def parse_ntp_config(out: ProbeOutput) -> NtpConfig:
    directives: list[Directive] = []
    files: list[str] = []
    reading = Reading("the time-service configuration", "==> path <== file")
    for path, lines in split_sections(decode(out.stdout)):
        if not path:
            for line in lines:
                reading.skip(line)
            continue
        reading.known()
        files.append(path)
        daemon = "chronyd" if "chrony" in path else "ntpd"
        for raw in lines:
            # chrony also starts comments with `;`, `%` and `!`.
            line = "" if raw.strip()[:1] in ";%!" else raw.split("#", 1)[0].strip()
            if line:
                directives.append(Directive(daemon, path, tuple(line.split()), raw.strip()))
    reading.refuse(len(files))
    return NtpConfig(directives, files)


_HYPERVISOR_PHC = re.compile(r"/dev/ptp_(?:hyperv|kvm|vmw)(?:$|:)")


def _hypervisor_phc(directive: Directive) -> bool:
    words = directive.words
    return len(words) > 2 and words[1].upper() == "PHC" and bool(_HYPERVISOR_PHC.match(words[2]))


def _refclock_address(directive: Directive) -> str:
    """The driver type T of an ntpd `server 127.127.T.U` line, "" for any other line."""
    if directive.daemon != "ntpd" or directive.keyword != "server" or len(directive.words) < 2:
        return ""
    found = re.fullmatch(r"127\.127\.(\d+)\.\d+", directive.words[1])
    return found.group(1) if found else ""


_LOOPBACK = ("127.0.0.1", "::1", "-6", "-4", "localhost", "default", "source")


def _source_permission(directive: Directive, sources: set[str]) -> bool:
    """`restrict HOST mask 255.255.255.255 ...` where HOST is one of this host's sources."""
    words = [w.lower() for w in directive.words]
    if words[0] != "restrict" or "mask" not in words:
        return False
    mask = words[words.index("mask") + 1] if words.index("mask") + 1 < len(words) else ""
    return mask == "255.255.255.255" and words[1] in sources


def _serves(directive: Directive) -> bool:
    words = [w.lower() for w in directive.words]
    if directive.daemon == "chronyd":
        return words[0] in ("allow", "broadcast")
    if words[0] in ("broadcast", "manycastserver"):
        return True
    if words[:2] == ["listen", "on"]:
        return True
    if words[0] != "restrict" or "ignore" in words or "noserve" in words:
        return False
    targets = [w for w in words[1:] if not w.startswith("-")]
    return bool(targets) and targets[0] not in _LOOPBACK and "mask" in words
