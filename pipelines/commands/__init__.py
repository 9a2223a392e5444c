"""CLI commands, one module each; a module lists its click commands in ``COMMANDS``."""
