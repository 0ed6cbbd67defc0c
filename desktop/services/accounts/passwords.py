"""Password rules and hashing: argon2id through argon2-cffi's ``PasswordHasher``.

Why argon2id with the library's default (RFC 9106 low-memory) profile: it is the
current recommendation for password storage, memory-hard so a stolen database cannot be
brute-forced cheaply on a graphics card, and argon2-cffi ships wheels for every platform
the installer targets. The PHC string it returns carries its own salt and parameters, so
a later version can raise the cost and rehash at the next sign-in (``needs_rehash``).

The clear password lives only in the caller's variables: it is never stored, logged,
put in an error message or an audit entry.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from desktop.errors import ValidationError

MIN_LENGTH = 8
MAX_LENGTH = 128

#: The hasher every account uses. Tests swap in a cheap profile (``argon2.profiles``)
#: to stay fast; the stored string records the parameters it was made with.
HASHER = PasswordHasher()

# Verified against when the username is unknown, so a wrong name costs the same time as
# a wrong password and the answer's timing does not tell whether the account exists.
_DUMMY_HASH: str | None = None


def check_rules(password: str, *, username: str = "", field: str = "password") -> None:
    """Refuse a password that is too weak to protect a registry of ID numbers."""
    if len(password) < MIN_LENGTH:
        raise ValidationError(
            f"「密码」太短：至少需要 {MIN_LENGTH} 个字符，请换一个更长的密码。", field=field
        )
    if len(password) > MAX_LENGTH:
        raise ValidationError(
            f"「密码」太长：最多 {MAX_LENGTH} 个字符，请换一个短一些的密码。", field=field
        )
    if password.isdigit():
        raise ValidationError(
            "「密码」不能全是数字（生日、电话号码很容易被猜到），请加入字母或符号。",
            field=field,
        )
    if password.strip() != password:
        raise ValidationError("「密码」的开头和结尾不能是空格，请去掉空格。", field=field)
    if username and password.casefold() == username.casefold():
        raise ValidationError("「密码」不能与用户名相同，请换一个密码。", field=field)


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def verify(stored_hash: str, password: str) -> bool:
    """Whether ``password`` matches ``stored_hash``; a damaged hash never matches."""
    try:
        return HASHER.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def burn_time(password: str) -> None:
    """Spend a verification's time when there is no account to verify against."""
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = HASHER.hash("uniondesk-no-such-account")
    verify(_DUMMY_HASH, password)


def needs_rehash(stored_hash: str) -> bool:
    try:
        return HASHER.check_needs_rehash(stored_hash)
    except (InvalidHashError, ValueError):
        return True
