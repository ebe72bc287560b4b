"""The one deadline class of the collectors: a budget on the monotonic clock."""

import time

from assessments.collectors import errors


class Deadline:
    """A wall-clock budget on the monotonic clock: the whole host's, or one step's inside it.

    Every network step asks it how long it may take, because the libraries' own timeouts are
    not deadlines (paramiko's `exec_command(timeout=)` bounds inactivity; pywinrm retries a
    server-side OperationTimeout forever).
    """

    __slots__ = ("end", "seconds")

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def remaining(self) -> float:
        """Seconds left, never below 0."""
        return max(0.0, self.end - time.monotonic())

    @property
    def expired(self) -> bool:
        return time.monotonic() >= self.end

    def within(self, seconds: float) -> "Deadline":
        """A deadline `seconds` from now, cut to this one: a step's, inside the host's."""
        step = Deadline(seconds)
        step.end = min(step.end, self.end)
        return step

    def step(self, limit: float, what: str, where: str) -> float:
        """Seconds `what` may take: its own limit, or what is left; raises when nothing is."""
        left = self.remaining()
        if left <= 0:
            raise errors.timeout(what, where, self.seconds)
        return min(limit, left)

    def __repr__(self) -> str:
        return f"Deadline({self.seconds:g} s, {self.remaining():.1f} s left)"
