"""OPMAS management API."""
