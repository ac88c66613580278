"""Fixed campaign wording from the client's brief.

The hashtag is verbatim and must not be edited; the pledge wording and the five
themes belong to the pledge (pledges.wording, pledges.themes); the figures and
quotes live in the database so that staff can keep them current.
"""

HASHTAG = "#BackingLancashire"
