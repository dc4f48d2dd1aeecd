"""HTTP plumbing shared by every route: errors, paging, query parsing, responses, docs."""
