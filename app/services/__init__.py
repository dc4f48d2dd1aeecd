"""The rules of the read API, kept out of the routers: what to query, how to represent it."""
