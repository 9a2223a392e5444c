"""The `shebao-policy` command line: one click group, one module per command under pipelines/commands.

A command's module is imported only when that command runs (or when `--help` lists them all):
importing every command pulls in pandas, pyarrow and Dagster, seconds that `extract` or `show`
should not pay for `run`'s dependencies. A command module is named after its command (`run` in
pipelines/commands/run.py) and lists its click commands in ``COMMANDS``.
"""

from __future__ import annotations

import importlib
import pkgutil

import click

from pipelines import commands


class CommandModules(click.Group):
    """A click group whose commands are the modules of pipelines.commands, imported on demand."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(
            info.name
            for info in pkgutil.iter_modules(commands.__path__)
            if not info.name.startswith("_")
        )

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.list_commands(ctx):
            return None
        module = importlib.import_module(f"{commands.__name__}.{cmd_name}")
        for attr in getattr(module, "COMMANDS", ()):
            command = getattr(module, attr)
            if command.name == cmd_name:
                return command
        raise click.ClickException(
            f"pipelines/commands/{cmd_name}.py defines no command named {cmd_name!r} in COMMANDS"
        )


@click.group(cls=CommandModules, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="shebao-policy")
def main() -> None:
    """Turn 社保网-style articles into a versioned, evidence-backed policy dataset."""


if __name__ == "__main__":
    main()
