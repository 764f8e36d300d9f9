"""Custom Rasa NLU graph components (loaded by the Rasa server, referenced from config.yml)."""
