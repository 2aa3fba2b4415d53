"""Repositories: the queries, one class per aggregate, all inside one transaction."""
