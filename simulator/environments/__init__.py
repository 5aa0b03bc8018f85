"""Execution environments: one runtime process or container each, and the pool that shares them."""
