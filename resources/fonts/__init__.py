"""Bundled OFL fonts for PDF output (data only; see README.md here for sources and licences)."""
