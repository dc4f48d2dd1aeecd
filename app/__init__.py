"""micromet: a read-only HTTP API for citable content about cancer micrometastases."""

__version__ = "0.1.0"
