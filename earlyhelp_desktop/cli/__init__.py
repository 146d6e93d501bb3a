"""The ``earlyhelp`` command line: store, users, families, demo data (and sync and print)."""
