"""Speed and memory benchmarks (`make bench`); never timed assertions in the test suite."""
