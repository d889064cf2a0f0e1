"""Writing outputs safely: files never overwriting inputs, batches all-or-nothing, styles, PDF."""
