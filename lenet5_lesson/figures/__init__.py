"""Plotly figures of the book, one module per subject; each function returns a ``plotly.graph_objects.Figure``."""
