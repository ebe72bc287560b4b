"""Destination platforms: severities beyond the document depend on them (restrictions.md 3).

Legacy OpenVZ / Parallels Virtuozzo Containers 4.x nodes run 2.6.18 / 2.6.32 kernels;
Virtuozzo 7 runs 3.10 and offers more container features (nfsd, netfilter modes, nesting).
Where no destination (or no platform) is known, checks judge against the strictest platform
and say so in the finding (the catalogue's ruling).
"""

from dataclasses import dataclass

from assessments.facts import Facts

LEGACY = "legacy"
VZ7 = "vz7"
PLATFORMS = {LEGACY: "legacy OpenVZ / PVC 4.x", VZ7: "Virtuozzo 7"}
STRICTEST = LEGACY


@dataclass(frozen=True)
class TargetPlatform:
    id: str  # LEGACY | VZ7
    assumed: bool  # True when no destination platform is known

    @property
    def name(self) -> str:
        return PLATFORMS[self.id]

    @property
    def note(self) -> str:
        """A sentence for the finding's evidence: which platform it was judged against."""
        if self.assumed:
            return f"(no destination platform known: judged against the strictest, {self.name})"
        return f"(destination platform: {self.name})"


def destination_platform(facts: Facts) -> TargetPlatform:
    """The destination's platform, or the strictest one when it is not known."""
    chosen = facts.destination.platform if facts.destination is not None else ""
    if chosen in PLATFORMS:
        return TargetPlatform(chosen, assumed=False)
    return TargetPlatform(STRICTEST, assumed=True)
