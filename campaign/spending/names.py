"""One supplier, however a finance system spells it.

"SMITH & SONS LIMITED", "Smith and Sons Ltd." and "smith & sons ltd" are one supplier:
the key compares names without case, accents, punctuation or the usual variants of the
same word. It is a key for matching, never shown.
"""

import functools
import hashlib
import re
import unicodedata

# Words a finance system writes several ways, each as one form.
SAME_WORD = {
    "limited": "ltd",
    "ltd": "ltd",
    "plc": "plc",
    "public limited company": "plc",
    "llp": "llp",
    "co": "company",
    "cic": "cic",
    "community interest company": "cic",
    "&": "and",
    "uk": "uk",
}
LEGAL_FORMS = {"ltd", "plc", "llp", "cic", "lp"}
PHRASES = sorted((p for p in SAME_WORD if " " in p), key=len, reverse=True)


# An import asks again and again for the keys of the same few hundred suppliers.
@functools.lru_cache(maxsize=65536)
def key(name):
    """The name's matching key: "smith and sons"."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()
    text = text.replace("&", " and ").replace("+", " and ")
    text = re.sub(r"['’`]", "", text)  # "O'Neill's" is "oneills", not "o neill s"
    text = " " + re.sub(r"[^a-z0-9]+", " ", text).strip() + " "
    for phrase in PHRASES:
        text = text.replace(f" {phrase} ", f" {SAME_WORD[phrase]} ")
    words = [SAME_WORD.get(word, word) for word in text.split()]
    if words[:1] == ["the"] and len(words) > 1:
        words = words[1:]
    # "Lune Cleaning" and "Lune Cleaning Ltd" are one supplier, however a file writes it.
    while len(words) > 1 and words[-1] in LEGAL_FORMS:
        words = words[:-1]
    found = " ".join(words)
    if not found:
        # A name with no Latin letters or digits ("株式会社…"): its own words, so that two
        # such names are never one supplier for want of a key.
        found = " ".join(re.findall(r"\w+", name.casefold())) or "#" + _digest(name.strip())
    # The register's column holds 200 characters: a longer key ends in its digest.
    return found if len(found) <= LONGEST else found[: LONGEST - 41] + "#" + _digest(found)


LONGEST = 200


def _digest(text):
    return hashlib.sha256(text.encode()).hexdigest()[:40]


# Names that only public bodies bear: councils, the NHS, police forces, fire services,
# government departments and agencies. Staff can always say otherwise in the register.
PUBLIC_BODY = re.compile(
    r"\b(council|nhs|constabulary|police and crime commissioner|police service|"
    r"fire and rescue|fire authority|hm revenue|hmrc|home office|ministry of|department for|"
    r"dvla|dvsa|environment agency|crown prosecution|hm courts|cabinet office|"
    r"combined authority|integrated care board)\b",
    re.I,
)
COMPANY = re.compile(r"\b(ltd|limited|plc|llp|lp|cic)\.?$", re.I)


def looks_public(name):
    """Whether a supplier's name is a public body's, as first seen: a company is never one
    ("Council Supplies Ltd", "Police Kit Limited" are businesses)."""
    return bool(PUBLIC_BODY.search(name)) and not COMPANY.search(name.strip())
