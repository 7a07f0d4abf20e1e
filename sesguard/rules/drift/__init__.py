"""Drift rules (DR0xx): a spec compared with live state or with another spec (`sesguard drift`).

Their `check` yields nothing: `sesguard.linter.drift` compares two lists of model sets and makes
their findings with each rule's metadata, as the pipeline does for SG001/SG002/SG900.
"""
