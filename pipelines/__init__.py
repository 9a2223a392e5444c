"""Dedup, reconciliation, publishing, diffs, the pandas loader, Dagster definitions and the CLI."""
