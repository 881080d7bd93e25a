"""The Generate menu's actions (and the overlay's and the cadence option's), added to the window's registry
for the ``GenerationController``, and the Generate toolbar built from them."""
from __future__ import annotations

from PySide6.QtWidgets import QToolBar

from .actions import ActionRegistry

MENU = "&Generate"
CONTINUE_BARS = 4


def add_generation_actions(g, actions: ActionRegistry) -> QToolBar:
    """Put the Generate menu's actions (and the overlay's, in View) into ``actions`` as attributes of the
    controller ``g``; returns the toolbar."""
    def a(name, text, slot, shortcut=None, tip=""):
        return actions.add(name, text, slot, shortcut, tip, menu=MENU)

    g.act_new = a("generate_new", "&New Chorale…", g.ask_new_chorale, "Ctrl+Shift+N",
                     "Let the model write a new chorale (bars, key, meter, style)")
    g.act_continue = a("generate_continue", f"&Continue (+{CONTINUE_BARS} Bars)", g.continue_,
                          "Ctrl+Shift+C", f"Write {CONTINUE_BARS} more bars after the last one")
    g.act_fill = a("generate_fill", "&Fill Selection", g.fill, "Ctrl+G",
                      "Rewrite the selected bars or notes' cells, keeping locked cells")
    g.act_harmonize = a("generate_harmonize", "&Harmonize…", g.ask_harmonize, "Ctrl+H",
                           "Write chosen voices against the others, over the selected bars or the whole piece")
    g.act_regenerate = a("generate_again", "&Regenerate", g.regenerate, "Ctrl+R",
                            "The same request again with a new seed")
    g.act_cadence = actions.add("generate_cadence", "End With a Ca&dence", None, None,
                                   "New chorales and continuations end on the tonic in root position, "
                                   "after the dominant", menu=MENU, checkable=True)
    g.act_cadence.setToolTip("New chorales and continuations end on the tonic in root position, after the "
                             "dominant, with a fermata (the New Chorale dialog shows the same setting)")
    actions.separator(MENU)
    g.act_cancel = a("generate_cancel", "C&ancel Generation", g.cancel, "Esc",
                        "Stop writing; nothing is changed")
    actions.separator(MENU)
    g.act_prev = a("candidate_previous", "&Previous Candidate", g.browser.previous, "Alt+Left")
    g.act_next = a("candidate_next", "Ne&xt Candidate", g.browser.next, "Alt+Right")
    g.act_hear = a("candidate_hear", "&Hear Candidate", lambda: g.hear(g.browser.current), "Alt+Space")
    g.act_accept = a("candidate_accept", "&Accept Candidate", g.accept, "Ctrl+Return",
                        "Put the chosen candidate into the chorale (one undo step)")
    g.act_discard = a("candidate_discard", "&Discard Candidates", g.discard, "Ctrl+Backspace",
                         "Keep the chorale as it was")
    actions.separator(MENU)
    g.act_load_model = a("model_load", "&Load Model Folder…", g.chooser.ask_folder, None,
                            "Use another compatible model checkpoint folder")
    actions.separator("&View")
    g.act_overlay = actions.add("overlay", "Voice-Leading &Overlay", None, "Ctrl+Shift+V",
                                   "Mark parallels, crossings, spacing and range problems on the piano roll",
                                   menu="&View", checkable=True)
    g.act_overlay.toggled.connect(g.overlay.set_enabled)
    tb = QToolBar("Generate")
    tb.setObjectName("generateToolbar")
    tb.setMovable(False)
    tb.addActions([g.act_new, g.act_fill, g.act_continue, g.act_harmonize, g.act_regenerate])
    for act, text in ((g.act_new, "New Chorale"), (g.act_continue, "Continue"), (g.act_harmonize, "Harmonize"),
                      (g.act_fill, "Fill"), (g.act_overlay, "Overlay")):
        act.setIconText(text)   # the toolbar's short name; menus keep the full one
    tb.addSeparator()
    tb.addAction(g.act_overlay)
    return tb
