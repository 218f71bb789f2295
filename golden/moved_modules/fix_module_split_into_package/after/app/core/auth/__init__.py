"""Authentication: passwords and tokens live in their own modules."""
