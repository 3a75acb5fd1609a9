"""Licence texts of the components Amanat ships (data only; see README.md here)."""
