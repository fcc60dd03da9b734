"""What the tests share, one module per kind of thing.

Test modules import from here (and from ``console``), never from each other.
"""
