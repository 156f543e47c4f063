"""LDLT L-Lipschitz layers and their initialization (torch)."""
