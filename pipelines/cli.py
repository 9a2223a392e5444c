"""The `shebao-policy` command line: one click group, one module per command under pipelines/commands."""

from __future__ import annotations

import importlib
import pkgutil

import click

from pipelines import commands


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="shebao-policy")
def main() -> None:
    """Turn 社保网-style articles into a versioned, evidence-backed policy dataset."""


def _register() -> None:
    """Add every `command` defined by a module of pipelines.commands to the group."""
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{commands.__name__}.{info.name}")
        for name in getattr(module, "COMMANDS", ()):
            main.add_command(getattr(module, name))


_register()

if __name__ == "__main__":
    main()
