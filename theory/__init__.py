"""Exact results on the geometry of binarization, derived in SymPy.

Importing this package never imports numba.
"""
