"""Build script for the one compiled part of framing: ``framing._cquotes``,
the quote rules of :mod:`framing.quotes` in C (plain C API, no extra build
dependency).  Everything else is configured in pyproject.toml.

The extension is optional: where it cannot be built (no C compiler, no
Python headers) setuptools warns and installs framing without it, and
:mod:`framing.quotes` runs its Python implementation (the same results,
slower; ``framing.quotes.COMPILED`` says which one runs).  To build it in a
source checkout: ``pip install -e .``, or ``python setup.py build_ext
--inplace`` with setuptools >= 77 (pyproject.toml's license field).
"""

from setuptools import Extension, setup

setup(ext_modules=[Extension("framing._cquotes", ["framing/_cquotes.c"], optional=True)])
