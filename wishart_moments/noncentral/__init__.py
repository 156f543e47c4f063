"""Noncentral Wishart moments (placeholder docstring, filled in later)."""
