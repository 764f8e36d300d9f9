"""What the Rasa server loads from this repository besides the NLU components: the SQL tracker store
that forgets a conversation on request (endpoints.yml) and the REST channel that answers a failed turn
with nothing (credentials.yml), each by its module path.

Not in `actions`: rasa_sdk imports every module of that package when the action server starts, and
these import Rasa itself (rasa.core), which the action server neither needs nor should load.
"""
