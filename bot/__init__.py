"""The gateway: the only internet-facing process. It relays web and Telegram users to Rasa."""
