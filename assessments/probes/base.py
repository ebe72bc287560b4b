"""What a probe is: a stable id, its OS family, and the read-only command to run.

The probe definitions are the single source of truth for the online collectors (SSH runs the
Linux probes as one framed POSIX sh script, WinRM runs each Windows probe as a cmd.exe
command) and for the offline collector scripts.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Probe:
    id: str
    os_family: str  # "linux" | "windows"
    # Linux: a POSIX sh fragment (dash-compatible) that prints the raw output and tries the
    # fallbacks itself. Windows: one cmd.exe command line.
    script: str
    # What users see in evidence, e.g. "cat /proc/mounts".
    label: str
    needs_root: bool = False
    timeout: int = 30
    description: str = ""
