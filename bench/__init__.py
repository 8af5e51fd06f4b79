"""`make bench`: throughput of the services as a ratio to a bare FastAPI app in the same run."""
