"""Pure parsers: raw probe bytes -> typed data. No I/O here."""
