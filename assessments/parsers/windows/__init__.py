"""Parsers for Windows probe outputs (cmd.exe built-ins, wmic, reg.exe, sc.exe, systeminfo).

Each parser turns one `ProbeOutput` into typed data or raises `ProbeUnavailable` with the
reason. They read numbers and ids (Version, BuildNumber, ProductType, DriveType, registry
values, service state codes), never localised words, and keep the lines they read so
checks can show them as evidence.
"""
