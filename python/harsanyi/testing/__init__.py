"""Yardsticks for checking interactions: the AND-OR split as an explicit linear program
(:mod:`harsanyi.testing.lp`, needs scipy) and the published dense SGD schedule
(:mod:`harsanyi.testing.published_sgd`, needs PyTorch).  Both build dense 4^n matrices:
small games only.
"""
