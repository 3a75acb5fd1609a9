"""The ``amanat`` command line: one ``cmd_*.py`` module per group of subcommands."""
