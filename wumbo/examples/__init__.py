"""Runnable examples that ship with wumbo (``python -m wumbo.examples.orders``)."""
