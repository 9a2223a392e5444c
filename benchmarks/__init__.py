"""Benchmarks: throughput and memory of the pipeline's stages on synthetic 社保网-style sites (not timed tests)."""
