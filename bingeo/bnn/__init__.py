"""A minimal binary neural network engine written in numba."""
