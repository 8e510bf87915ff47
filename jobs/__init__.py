"""The scheduler process: one APScheduler, its job table as data, every job calling services."""
