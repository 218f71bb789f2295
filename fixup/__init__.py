"""fixup: repairs Python backends broken by hasty refactors, as reviewable diffs."""

__version__ = "0.1.0"
