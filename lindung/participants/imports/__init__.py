"""Bulk imports (REG-4): read every sheet of a workbook or a CSV, check each row with the
registration rules, preview, then write the whole file or nothing.

The pipeline is kind-agnostic (reading, header matching, per-row errors, chunked
validation, one-transaction commit); a kind (participants now, payments later) supplies
its columns, how a row becomes data, and how a valid row is written.
"""
