"""Linkage: child clauses to the parent-plan clauses they implement, attribute changes, coverage and the graph."""
