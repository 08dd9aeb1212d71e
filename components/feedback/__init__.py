"""The Feedback page's pieces: the cached inbox read, the inbox panel (filters, threads, reply), the charts."""
