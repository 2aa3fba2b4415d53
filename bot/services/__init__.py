"""Use cases: each method is one unit of work over the repositories and the domain rules."""
