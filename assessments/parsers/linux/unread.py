"""Output a line parser could not read: never "no items".

A probe's stdout can hold lines the tool never prints: a MOTD or login-script noise, an
error message written on stdout, another version of the tool answering in another format.
A parser that skipped them all would return an empty list, and a check would pass on it
("no md arrays", "no exports"). So each line parser sorts its lines into three kinds with a
`Reading`: items (what it returns), the tool's own lines that carry no item (headers, a
table's stock lines, `No devices found`, the probe's `# p2c:` notes: `known`), and lines it
does not recognise (`unread`). `Reading.refuse` then raises `ProbeUnavailable` (the
convention every parser uses for output it cannot read as data, so the check says
`unknown` and quotes the output) when

- nothing was recognised but something was printed: the output is not the tool's; or
- nothing but the tool's empty forms was recognised and a line it did not understand came
  after the first of them: inside the tool's own output, that line may be the item in a
  format this parser does not know, so "none" is not proved.

Unread lines before the tool's first line (a MOTD, a login script's words) do not make a
recognised empty answer unreadable: the tool's own lines say "none". Unread lines beside
items stay out of the result: a check then reports what was read, which is never a pass on
an empty list.
"""

from dataclasses import dataclass, field

from assessments.facts import ProbeUnavailable

NOTE = "# p2c: "  # a probe's own remark (`assessments.probes.linux`), never an unread line


@dataclass
class Reading:
    source: str  # "/proc/mdstat", "dmsetup ls"... for the reason
    items: str  # "md array", "device-mapper device"... what the parser returns
    unread: list[str] = field(default_factory=list)
    inside: list[str] = field(default_factory=list)  # unread lines after a known one
    seen: bool = False  # a line of the tool's own was recognised

    def known(self) -> None:
        """A line the tool prints, item or not."""
        self.seen = True

    def skip(self, line: str) -> None:
        """A line the parser does not recognise (blank lines are neither)."""
        text = line.strip()
        if not text:
            return
        if text.startswith(NOTE.strip()):
            self.seen = True
            return
        self.unread.append(text)
        if self.seen:
            self.inside.append(text)

    def refuse(self, found: int) -> None:
        """Raise when `found` (the items read) is 0 and the text does not prove "none"."""
        if found:
            return
        if self.unread and not self.seen:
            raise ProbeUnavailable(
                f"no {self.items} read from {self.source}: none of its "
                f"{counted(len(self.unread))} is a form it prints "
                f"(first: {self.unread[0][:80]!r})"
            )
        if self.inside:
            raise ProbeUnavailable(
                f"no {self.items} read from {self.source}, and a line of it was not "
                f"understood: {self.inside[0][:80]!r}"
            )


def counted(lines: int) -> str:
    return "1 line" if lines == 1 else f"{lines} lines"
