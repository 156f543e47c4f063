"""Scripts that regenerate the figures and sweeps of the documentation."""
