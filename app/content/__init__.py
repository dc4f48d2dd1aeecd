"""The seed pipeline: load the curated files, validate them against the article, write them in one go."""
