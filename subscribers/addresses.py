"""One rule for a reader's email address, whichever way it comes in (sign-up and new-address forms, CSV import,
admin), and the form it is stored and looked up in.

An address is refused when no mail could be sent to it:

- a control, format (zero-width, bidi), surrogate or private-use character anywhere, quoted local part included:
  RFC 5321 allows ``"a\\x01b"@example.test``, but no mail library writes it into a header (anymail refuses it as
  an invalid address), so such a reader could never receive the confirmation;
- what Django's EmailValidator refuses, and a domain that is no valid internationalized domain name (IDNA 2008
  with the UTS #46 mapping, the ``idna`` package);
- longer than 254 characters once normalized (the column, and the most RFC 5321 allows in a path).

The stored form has a lower-case local part and the domain in its ASCII (punycode) form: ``Reader@Bücher.Example``
and ``reader@xn--bcher-kva.example`` are one mailbox and one reader. ASCII rather than Unicode because it is the
form the domain name system, every SMTP server (without the SMTPUTF8 extension) and every provider's API take,
so what is stored is exactly what is sent; UTS #46 folds case, full-width letters and other spellings of one
domain into it, so each domain has one stored form. The admin shows the ASCII form.
"""

from __future__ import annotations

import unicodedata

import idna
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

#: The email column's length, and RFC 5321's limit on a forward path.
MAX_LENGTH = 254
#: Unicode categories no address may hold: controls, format characters, surrogates, private use.
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co"})


def normalize_address(value: object) -> str:
    """The stored form of `value` (see the module docstring), or ValidationError "Enter a valid email address."."""
    if not isinstance(value, str):
        raise _invalid()
    if any(unicodedata.category(c) in _HIDDEN_CATEGORIES for c in value):  # a line break at the end too
        raise _invalid()
    value = value.strip()
    local, at, domain = value.rpartition("@")
    if not at or not local or not domain:
        raise _invalid()
    try:
        ascii_domain = idna.encode(domain, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError, ValueError):
        raise _invalid() from None
    address = f"{local.lower()}@{ascii_domain.lower()}"
    if len(address) > MAX_LENGTH:
        raise _invalid()
    validate_email(address)  # the local part's syntax, and the domain's once in ASCII
    return address


def lookup_form(value: str) -> str:
    """How to look a reader up by an address someone else wrote (a provider's event, a bounce): its stored form
    when the rule accepts it, else the address lower-cased, which then matches only what was stored as such."""
    try:
        return normalize_address(value)
    except ValidationError:
        return (value or "").strip().lower()


def is_valid_address(value: object) -> bool:
    try:
        normalize_address(value)
    except ValidationError:
        return False
    return True


def _invalid() -> ValidationError:
    return ValidationError(_("Enter a valid email address."), code="invalid")
