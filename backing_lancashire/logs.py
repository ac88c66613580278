import logging
import re

# Emailed links carry tokens that act for the organisation: never write one down.
TOKEN_PATH = re.compile(r"(/pledge/(?:verify|manage)/)[^/\s\"']+")


class HideTokens(logging.Filter):
    def filter(self, record):
        message = record.getMessage()
        hidden = TOKEN_PATH.sub(r"\1[token]", message)
        if hidden != message:
            record.msg, record.args = hidden, ()
        return True
