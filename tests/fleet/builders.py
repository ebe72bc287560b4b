"""Small builders for inventory tests."""

from typing import Any

from fleet.choices import CredentialKind
from fleet.models import Credential, Host, TargetNode

HEADER = (
    "name,address,port,os_family,groups,tags,credential,target,jump_host,use_sudo,"
    "allow_legacy_ssh,winrm_scheme,winrm_port,winrm_transport"
)


def make_credential(
    name: str = "root-pw", secret: str = "s3cret-Pa55", **overrides: Any
) -> Credential:
    fields = {"kind": CredentialKind.SSH_PASSWORD, "username": "root", **overrides}
    credential = Credential(name=name, **fields)
    credential.set_secret(secret)
    credential.save()
    return credential


def make_target(name: str = "vz1") -> TargetNode:
    return TargetNode.objects.create(name=name)


def make_host(name: str = "h1", **overrides: Any) -> Host:
    return Host.objects.create(name=name, address=overrides.pop("address", name), **overrides)


def csv_bytes(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()
