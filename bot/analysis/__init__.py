"""Reading articles and finding their located events: no I/O beyond what is passed in."""
