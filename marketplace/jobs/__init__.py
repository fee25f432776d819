"""Jobs on a queue: long work in chunks, run by RQ workers on Redis, or inline without Redis."""
