"""`python -m toolkit …` is `aidkit …` (used by the scheduled job when the aidkit script is not found)."""

from .cli import main

main()
