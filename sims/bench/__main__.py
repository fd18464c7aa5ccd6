import sys

from sims.bench.dispatch import main

if __name__ == "__main__":
    sys.exit(main())
