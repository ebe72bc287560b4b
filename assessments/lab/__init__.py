"""The fleet lab: simulated SSH and WinRM hosts on loopback that answer from real captures.

Used by the tests, `make demo` and the benchmarks; `python manage.py fleetlab` runs it in the
foreground. Start one from Python with `assessments.lab.inventory.start_lab()`.
"""
