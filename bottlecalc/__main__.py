"""``python -m bottlecalc``."""

from bottlecalc.cli import main

if __name__ == "__main__":
    main()
