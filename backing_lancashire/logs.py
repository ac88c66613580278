import logging
import re

# Emailed links carry tokens that act for the organisation: never write one down.
TOKEN_PATH = re.compile(r"(/pledge/(?:verify|manage|new-email)/)[^/\s\"']+")


class HideTokens(logging.Filter):
    def filter(self, record):
        message = record.getMessage()
        hidden = TOKEN_PATH.sub(r"\1[token]", message)
        if hidden != message:
            record.msg, record.args = hidden, ()
        return True


# gunicorn sets up its own loggers before the site's settings are read; a filter on the
# logger itself reaches every handler it has (the access log, when it is turned on).
SERVER_LOGGERS = ["gunicorn.access", "gunicorn.error"]


def hide_tokens_in_server_logs():
    for name in SERVER_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, HideTokens) for f in logger.filters):
            logger.addFilter(HideTokens())
