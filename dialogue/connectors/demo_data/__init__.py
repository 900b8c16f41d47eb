"""Seed data of the embedded demo shop (``orders.json``), with dates as day offsets from seeding time."""
