"""Benchmarks. Each prints one JSON object; comparisons are measured in the same run."""
