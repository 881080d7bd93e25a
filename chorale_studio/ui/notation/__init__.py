"""The score pane: the chorale engraved (``notation``) beside the piano roll, live and linked to it."""
