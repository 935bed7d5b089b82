"""`python -m toolkit …` is `aidkit …` (used by the scheduled job when the aidkit script is not found).

`main` is also the `aidkit` script's entry point: the collector is held off while the CLI's modules are
imported, and what they made is frozen out of its later passes (`gc.freeze`): a short command spends its
time on the work, not on scanning the objects of modules that live as long as the process.
"""

import gc


def main() -> None:
    """Import the CLI with the collector paused, freeze what the imports made, then run it."""
    gc.disable()
    try:
        from .cli import main as run
    finally:
        gc.freeze()
        gc.enable()
    run()


if __name__ == "__main__":
    main()
