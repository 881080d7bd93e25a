"""The Qt window: document, undo commands, piano roll, panels and workers."""
