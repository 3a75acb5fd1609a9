"""The coordinator's workspace: import and quarantine, volunteers, archive, duplicates, sharing."""
