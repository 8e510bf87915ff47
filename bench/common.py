"""Pieces shared by the benchmark scripts."""
from __future__ import annotations


def create_database(pg: str, name: str) -> str:
    """Drop and create a throwaway PostgreSQL database; returns its URL."""
    import psycopg

    with psycopg.connect(f"{pg}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{pg}/{name}"
