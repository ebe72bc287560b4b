"""Sizes for people, in the one unit family of the pages (no Django: the placement
proposal's pure core writes its reasons with it too)."""

UNKNOWN = "unknown"
BINARY_UNITS = ("KiB", "MiB", "GiB", "TiB", "PiB")


def binary_size(size: int | float | None) -> str:
    """Bytes for people in the one unit family of the pages, binary with one decimal:
    `190.6 GiB` (Django's filesizeformat says "GB" for binary units)."""
    if size is None:
        return UNKNOWN
    value = float(size)
    if abs(value) < 1024:
        return f"{value:.0f} B"
    for unit in BINARY_UNITS:
        value /= 1024
        if abs(value) < 1024 or unit == BINARY_UNITS[-1]:
            break
    return f"{value:.1f} {unit}"
