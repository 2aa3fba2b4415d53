"""Pure rules: no discord, no SQLAlchemy."""
