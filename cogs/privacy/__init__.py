"""`/privacy`: what Parley stores about you in this server, a download of it, and erasure; and
the server listeners that schedule (or cancel) a removed server's purge."""
