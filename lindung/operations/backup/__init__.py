"""Backups: one archive with the database, the uploaded files and a manifest to check a
restore against. ``archive.backup_create`` and ``archive.backup_restore`` are the entry
points; the management commands ``backup`` and ``restore`` wrap them."""
