"""Imported first by the fork server that starts record-checking helpers, and by nothing else.

Importing it hardens the fork server's own process (no core file, not dumpable:
intake/process_safety.py), like every other Amanat process. Its helpers, forked from it, inherit
that, and harden themselves again when they start (record_checks._start_helper).
"""

from intake.process_safety import harden_process

harden_process()
