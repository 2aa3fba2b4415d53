"""Discord helpers every feature shares: replies and error routing (`interactions`, `errors`),
the facilitator checks, the modal base class, paged embeds and the permissions Parley asks for.

Not an extension: it has no `setup`.
"""
