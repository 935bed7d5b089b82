"""Every command has help text with an example of use or a description, and the README names it."""

from pathlib import Path

import pytest
from click.testing import CliRunner

from toolkit.cli import cli

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
COMMANDS = sorted(cli.commands)


def test_the_cli_has_the_commands_of_the_issues():
    assert {"template", "validate", "consolidate", "status", "remind", "acknowledge", "send-report", "schedule",
            "build-workbooks"} <= set(COMMANDS)


@pytest.mark.parametrize("name", COMMANDS)
def test_command_has_bilingual_help_and_is_in_the_readme(name):
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0
    summary = cli.commands[name].help.strip().splitlines()[0]
    assert " / " in summary, f"{name}: the first help line should be Vietnamese / English"
    assert f"aidkit {name}" in README, f"README does not mention `aidkit {name}`"
