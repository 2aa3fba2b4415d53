"""Discord UI for Parley: embeds, buttons and menus, as persistent dynamic items.

Every button or menu that must survive a restart is a `discord.ui.DynamicItem` whose custom_id
carries its state (``parley:session:42:join``); `ALL_DYNAMIC_ITEMS` lists them for registration
with ``bot.add_dynamic_items`` so a click on a message sent before a restart still works.
"""
