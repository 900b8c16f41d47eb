"""wismo benchmarks (see bench/README.md)."""
