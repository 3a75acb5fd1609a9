"""The testimony editor, generated from the form definition (resources/forms)."""
