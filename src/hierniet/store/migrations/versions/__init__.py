"""One module per schema revision, oldest first (the file names start with their revision)."""
