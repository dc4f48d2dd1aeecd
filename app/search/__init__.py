"""Full-text search behind one small interface; the routers never know which engine answers."""
