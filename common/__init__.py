"""What the gateway and the Rasa side share, so that each list, rule and check has one copy.

Standard library and PyYAML only, imported by both environments (the gateway on Python 3.11, Rasa and
the action server on 3.10), by eval and by the tests; `env` needs no PyYAML, for the launcher, which
runs before any environment exists. Nothing here imports the gateway (`bot`) or the actions.
"""
