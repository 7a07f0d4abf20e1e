"""ACME's rule pack for sesguard (an example plugin distribution)."""
