"""planlink: Chinese policy plans -> clause trees, task tables and parent-plan links."""

__version__ = "0.1.0"
