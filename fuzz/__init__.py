"""Coverage-guided fuzz targets for every parser that reads bytes nobody has authenticated yet.

One module per parser (``fuzz_<name>.py``), a seed corpus per target in ``corpus/<name>/``, and
``run`` to fuzz them for a fixed time. See README.md.
"""
