"""Sphinx configuration of the en book; the settings are shared in ../book_conf.py."""

import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))

from book_conf import configure

globals().update(configure("en"))
