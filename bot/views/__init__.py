"""Discord UI: embeds, buttons and modals, kept out of the cogs so they stay thin."""
