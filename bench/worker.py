"""A `manage.py rqworker` for the benchmarks (every queue, forking, until terminated).

With BENCH_PROBES=light the SSH collector runs the probe script without the two probes that
walk the whole disk (`getfattr`, `license_scan`): the loopback sshd is this machine, and
200 full disk walks would measure the disk, not the pipeline. The baseline runs the same
script.
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "p2c.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402


def light_script(use_sudo: bool, token: str) -> str:
    from assessments.probes import LINUX
    from assessments.probes.script import build_linux_script

    probes = [p for p in LINUX.values() if p.id not in ("getfattr", "license_scan")]
    return build_linux_script(probes, use_sudo=use_sudo, token=token)


if __name__ == "__main__":
    if os.environ.get("BENCH_PROBES") == "light":
        from assessments.collectors import ssh_common

        ssh_common.default_script = light_script
    call_command("rqworker", verbosity=0)
