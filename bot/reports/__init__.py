"""Pictures and files made from plain data (no Discord, no database): the deal chart."""
