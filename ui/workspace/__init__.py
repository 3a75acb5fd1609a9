"""The unlocked volunteer workspace: testimony list, editor and their Qt models."""
