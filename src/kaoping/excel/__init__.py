"""Reading and writing workbooks: the edges around the pure engine."""
