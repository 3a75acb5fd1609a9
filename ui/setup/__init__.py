"""First run: choose the language, create the vault, add the coordinator's card."""
