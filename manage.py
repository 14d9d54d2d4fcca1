#!/usr/bin/env python
from treue.cli import main

if __name__ == "__main__":
    main()
