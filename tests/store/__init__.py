"""Tests of console.store: migrations, the batched writer, projections, on SQLite and PostgreSQL."""
