"""Parsers for the Linux probes: raw output -> typed data. Pure: no I/O."""
