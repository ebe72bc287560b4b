"""Simulated WinRM hosts: just enough WS-Management for pywinrm's `run_cmd`.

Create a cmd shell, Command, Receive (base64 stdout/stderr streams, then CommandState Done
with an ExitCode), Signal and Delete, shaped like the real pywinrm receive sample
(`data/` has no XML; see tests/samples/windows-winrm-soap-receive-response-pywinrm.xml.txt).
Authentication: HTTP Basic, or NTLM with WinRM message encryption (`ntlm.py`), over plain
HTTP or TLS; no Kerberos or CredSSP (real Windows servers remain the test of those).

A received command line is mapped to a probe through the scripts of
`assessments.probes.WINDOWS` (falling back to the design's command forms for ids not yet
registered); the host answers from its profile, or as cmd.exe does for a command it does not
have (`'x' is not recognized ...`, exit 9009). A `cmd ... /c` line (the collector's batches
of probes) is run the way cmd.exe would (`cmdexe`).
"""

import base64
import logging
import socket
import ssl
import threading
import time
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from xml.sax.saxutils import escape

from assessments.facts import ProbeOutput
from assessments.lab import cmdexe, faults, ntlm
from assessments.lab.model import LabCredentials, LabHost
from assessments.lab.ntlm import NtlmConnection, NtlmError

log = logging.getLogger(__name__)

NS = {
    "s": "http://www.w3.org/2003/05/soap-envelope",
    "a": "http://schemas.xmlsoap.org/ws/2004/08/addressing",
    "w": "http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd",
    "rsp": "http://schemas.microsoft.com/wbem/wsman/1/windows/shell",
}
SHELL = "http://schemas.microsoft.com/wbem/wsman/1/windows/shell"
TRANSFER = "http://schemas.xmlsoap.org/ws/2004/09/transfer"
CHUNK_BYTES = 1024 * 1024  # stdout per Receive answer
MAX_SHELLS = 64  # per host; real WinRM's MaxShellsPerUser is 30 on 2008 R2
# The design's command forms, used for probe ids the registry does not define (yet).
DEFAULT_COMMANDS = {
    "wmic os get /value": "wmic_os",
    "wmic logicaldisk get /value": "wmic_logicaldisk",
    "wmic volume get /value": "wmic_volume",
    "wmic cpu get /value": "wmic_cpu",
    "set": "env",
    "systeminfo": "systeminfo",
    "sc query psched": "sc_psched",
    "ver": "ver",
    "ipconfig /all": "ipconfig",
}


def normalise(command: str) -> str:
    return " ".join(command.split()).casefold()


def command_map() -> dict[str, str]:
    """Normalised command line -> probe id, from the probe registry first."""
    from assessments.probes import WINDOWS

    mapping = {normalise(cmd): probe for cmd, probe in DEFAULT_COMMANDS.items()}
    for probe in WINDOWS.values():
        mapping[normalise(probe.script)] = probe.id
    return mapping


def not_recognized(command: str) -> ProbeOutput:
    word = command.strip().split(" ", 1)[0][:200]
    message = f"'{word}' is not recognized as an internal or external command,\r\n"
    return ProbeOutput(b"", (message + "operable program or batch file.\r\n").encode(), 9009)


@dataclass
class _Command:
    output: ProbeOutput
    sent: int = 0


class WsmanHost:
    """The WS-Man state of one simulated Windows host (its open shells and commands)."""

    def __init__(
        self,
        host: LabHost,
        credentials: LabCredentials,
        commands: dict[str, str],
        huge_bytes: int = faults.HUGE_BYTES,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        self.host = host
        self.tls = tls
        self.credentials = credentials
        self.commands = commands
        self.huge_bytes = huge_bytes
        self.shells: dict[str, dict[str, _Command]] = {}
        self.lock = threading.Lock()

    def handle(self, conn: socket.socket) -> None:
        if self.tls is not None:
            conn.settimeout(_Handler.timeout)
            try:
                conn = self.tls.wrap_socket(conn, server_side=True)
            except (ssl.SSLError, OSError) as exc:
                log.debug("lab wsman %s: TLS handshake failed: %s", self.host.name, exc)
                return
        try:
            _Handler(conn, ("127.0.0.1", 0), self)  # type: ignore[arg-type]
        finally:
            conn.close()

    def run(self, command_line: str) -> ProbeOutput:
        if cmdexe.is_cmd(command_line):
            out = cmdexe.run_cmd(command_line, self.answer)
        else:
            out = self.answer(command_line)
        if self.host.fault == faults.HUGE:
            out = ProbeOutput(b"x" * self.huge_bytes, out.stderr, out.rc)
        return out

    def answer(self, command_line: str) -> ProbeOutput:
        """One command's output from the host's profile, or cmd.exe's error for it."""
        probe = self.commands.get(normalise(command_line))
        if probe is not None and probe in self.host.probes:
            return self.host.probes[probe]
        if probe is not None and normalise(command_line).startswith("reg "):
            message = (
                b"ERROR: The system was unable to find the specified registry key or value.\r\n"
            )
            return ProbeOutput(b"", message, 1)
        return not_recognized(command_line)


def envelope(action: str, relates_to: str, body: str) -> bytes:
    namespaces = " ".join(f'xmlns:{prefix}="{uri}"' for prefix, uri in NS.items())
    return (
        f'<?xml version="1.0" ?><s:Envelope xml:lang="en-US" {namespaces} xmlns:x="{TRANSFER}">'
        f"<s:Header><a:Action>{action}</a:Action><a:MessageID>uuid:{uuid.uuid4()}</a:MessageID>"
        "<a:To>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</a:To>"
        f"<a:RelatesTo>{escape(relates_to)}</a:RelatesTo></s:Header>"
        f"<s:Body>{body}</s:Body></s:Envelope>"
    ).encode()


def operation_timeout_fault(relates_to: str, machine: str) -> bytes:
    message = "The WS-Management service cannot complete the operation within the time specified"
    body = (
        "<s:Fault><s:Code><s:Value>s:Receiver</s:Value><s:Subcode><s:Value>w:TimedOut"
        '</s:Value></s:Subcode></s:Code><s:Reason><s:Text xml:lang="en-US">'
        f"{message} in OperationTimeout.</s:Text></s:Reason><s:Detail>"
        '<f:WSManFault xmlns:f="http://schemas.microsoft.com/wbem/wsman/1/wsmanfault" '
        f'Code="2150858793" Machine="{escape(machine)}"><f:Message>{message}'
        "</f:Message></f:WSManFault></s:Detail></s:Fault>"
    )
    return envelope("http://schemas.dmtf.org/wbem/wsman/1/wsman/fault", relates_to, body)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "Microsoft-HTTPAPI/2.0"
    sys_version = ""
    timeout = 30
    disable_nagle_algorithm = True
    server: WsmanHost  # type: ignore[assignment]
    latency_paid = False
    ntlm: NtlmConnection | None = None  # set once a client starts NTLM on this connection
    encrypted = False  # the current request came sealed, so its answer goes sealed

    def log_message(self, format: str, *args: object) -> None:
        log.debug("lab wsman %s: " + format, self.server.host.name, *args)

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.encrypted = False
        if self.path.split("?")[0].rstrip("/").lower() != "/wsman":
            self._send(404, b"", "text/plain")
            return
        token = ntlm.token(self.headers.get("Authorization") or "")
        if token is not None:
            if not self._ntlm_step(token):
                return
        elif not (self.ntlm and self.ntlm.complete) and not self._basic_ok():
            self._reject()
            return
        if (self.headers.get("Content-Type") or "").startswith("multipart/encrypted"):
            if not (self.ntlm and self.ntlm.complete):
                self._send(400, b"", "text/plain")
                return
            body, self.encrypted = self.ntlm.decrypt(body), True
        if self.server.host.fault == faults.GARBAGE:
            self._send(200, b"<html><body><h1>It works!</h1></body></html>", "text/html")
        elif not body:
            self._send(200, b"", "application/soap+xml;charset=UTF-8")  # pywinrm's NTLM set-up
        else:
            self._dispatch(body)

    def _reject(self) -> None:
        self.ntlm = None
        self._send(401, b"", "text/plain", {"WWW-Authenticate": 'NTLM, Basic realm="WSMAN"'})

    def _ntlm_step(self, token: bytes) -> bool:
        """One round of the NTLM handshake; True once this request is authenticated."""
        if self.ntlm is None or self.ntlm.complete:
            self.ntlm = NtlmConnection()
        try:
            answer = self.ntlm.step(token)
        except NtlmError:
            self._reject()
            return False
        if not self.ntlm.complete:
            challenge = f"NTLM {base64.b64encode(answer or b'').decode()}"
            self._send(401, b"", "text/plain", {"WWW-Authenticate": challenge})
            return False
        if self.server.host.fault == faults.AUTH_FAILURE:
            self._reject()
            return False
        return True

    def _basic_ok(self) -> bool:
        if self.server.host.fault == faults.AUTH_FAILURE:
            return False
        scheme, _, value = (self.headers.get("Authorization") or "").partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            username, _, password = base64.b64decode(value).decode().partition(":")
        except ValueError:
            return False
        return self.server.credentials.password_ok(username, password)

    def _dispatch(self, body: bytes) -> None:
        try:
            # Loopback-only test peer; expat >= 2.4 bounds entity expansion.
            root = ET.fromstring(body)  # noqa: S314
            header = root.find("s:Header", NS)
            assert header is not None
            action = header.findtext("a:Action", "", NS)
            message_id = header.findtext("a:MessageID", "", NS)
            shell_id = header.findtext("w:SelectorSet/w:Selector[@Name='ShellId']", "", NS)
        except (ET.ParseError, AssertionError):
            self._send(400, b"", "text/plain")
            return
        name = action.rsplit("/", 1)[-1]
        handlers = {
            "Create": self._create,
            "Command": self._command,
            "Receive": self._receive,
            "Signal": self._signal,
            "Delete": self._delete,
        }
        handler = handlers.get(name)
        if handler is None:
            self._send(400, b"", "text/plain")
            return
        handler(root, message_id, shell_id)

    def _create(self, root: ET.Element, message_id: str, shell_id: str) -> None:
        new_id = str(uuid.uuid4()).upper()
        with self.server.lock:
            shells = self.server.shells
            if len(shells) >= MAX_SHELLS:  # clients that never deleted theirs
                del shells[next(iter(shells))]
            shells[new_id] = {}
        body = (
            "<x:ResourceCreated><a:Address>http://127.0.0.1/wsman</a:Address>"
            f"<a:ReferenceParameters><w:ResourceURI>{SHELL}/cmd</w:ResourceURI><w:SelectorSet>"
            f'<w:Selector Name="ShellId">{new_id}</w:Selector></w:SelectorSet>'
            "</a:ReferenceParameters></x:ResourceCreated>"
        )
        self._soap(envelope(f"{TRANSFER}/CreateResponse", message_id, body))

    def _command(self, root: ET.Element, message_id: str, shell_id: str) -> None:
        line = root.find("s:Body/rsp:CommandLine", NS)
        command = (line.findtext("rsp:Command", "", NS) if line is not None else "").strip()
        arguments = line.findtext("rsp:Arguments", "", NS) if line is not None else ""
        command_line = f"{command} {arguments}".strip()
        command_id = str(uuid.uuid4()).upper()
        with self.server.lock:
            commands = self.server.shells.get(shell_id)
            if commands is not None:
                commands[command_id] = _Command(self.server.run(command_line))
        if commands is None:
            self._send(400, b"", "text/plain")
            return
        body = (
            f"<rsp:CommandResponse><rsp:CommandId>{command_id}</rsp:CommandId>"
            "</rsp:CommandResponse>"
        )
        self._soap(envelope(f"{SHELL}/CommandResponse", message_id, body))

    def _receive(self, root: ET.Element, message_id: str, shell_id: str) -> None:
        lab = self.server
        stream = root.find("s:Body/rsp:Receive/rsp:DesiredStream", NS)
        command_id = stream.get("CommandId", "") if stream is not None else ""
        with lab.lock:
            command = lab.shells.get(shell_id, {}).get(command_id)
        if command is None:
            self._send(400, b"", "text/plain")
            return
        if lab.host.fault == faults.OPERATION_TIMEOUT:
            time.sleep(0.2)  # a real server holds the Receive for OperationTimeout first
            self._send(
                500, operation_timeout_fault(message_id, lab.host.name), "application/soap+xml"
            )
            return
        # The host's latency is paid once per connection, like the SSH hosts pay it once per
        # exec: a collector keeping its HTTP connection open does not pay it per command.
        if not self.latency_paid and lab.host.latency_ms:
            time.sleep(lab.host.latency_ms / 1000)
        self.latency_paid = True
        self._send_output(message_id, command_id, command)

    def _send_output(self, message_id: str, command_id: str, command: _Command) -> None:
        out = command.output
        chunk = out.stdout[command.sent : command.sent + CHUNK_BYTES]
        command.sent += len(chunk)
        done = command.sent >= len(out.stdout)
        streams = [("stdout", chunk)] + ([("stderr", out.stderr)] if done and out.stderr else [])
        parts = [
            f'<rsp:Stream Name="{name}" CommandId="{command_id}">'
            f"{base64.b64encode(data).decode()}</rsp:Stream>"
            for name, data in streams
            if data
        ]
        if done:
            parts.append(f'<rsp:Stream Name="stdout" CommandId="{command_id}" End="true"/>')
            parts.append(f'<rsp:Stream Name="stderr" CommandId="{command_id}" End="true"/>')
            parts.append(
                f'<rsp:CommandState CommandId="{command_id}" State="{SHELL}/CommandState/Done">'
                f"<rsp:ExitCode>{out.rc or 0}</rsp:ExitCode></rsp:CommandState>"
            )
        else:
            parts.append(
                f'<rsp:CommandState CommandId="{command_id}" State="{SHELL}/CommandState/Running"/>'
            )
        body = f"<rsp:ReceiveResponse>{''.join(parts)}</rsp:ReceiveResponse>"
        answer = envelope(f"{SHELL}/ReceiveResponse", message_id, body)
        if self.server.host.fault == faults.DISCONNECT:
            self._send_partial(answer)
            return
        self._soap(answer)

    def _send_partial(self, answer: bytes) -> None:
        content_type = "application/soap+xml;charset=UTF-8"
        if self.encrypted and self.ntlm:
            answer, content_type = self.ntlm.encrypt(answer), ntlm.CONTENT_TYPE
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer[: len(answer) // 2])
        self.wfile.flush()
        self.close_connection = True
        self.connection.shutdown(socket.SHUT_RDWR)

    def _signal(self, root: ET.Element, message_id: str, shell_id: str) -> None:
        signal = root.find("s:Body/rsp:Signal", NS)
        command_id = signal.get("CommandId", "") if signal is not None else ""
        with self.server.lock:
            self.server.shells.get(shell_id, {}).pop(command_id, None)
        self._soap(envelope(f"{SHELL}/SignalResponse", message_id, "<rsp:SignalResponse/>"))

    def _delete(self, root: ET.Element, message_id: str, shell_id: str) -> None:
        with self.server.lock:
            self.server.shells.pop(shell_id, None)
        self._soap(envelope(f"{TRANSFER}/DeleteResponse", message_id, ""))

    def _soap(self, answer: bytes) -> None:
        self._send(200, answer, "application/soap+xml;charset=UTF-8")

    def _send(
        self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None
    ) -> None:
        if self.encrypted and self.ntlm and body:
            body, content_type = self.ntlm.encrypt(body), ntlm.CONTENT_TYPE
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)
