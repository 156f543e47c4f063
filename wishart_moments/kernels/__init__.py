"""Numba kernels: plain arrays and scalars in and out; the Python wrappers live one level up."""
