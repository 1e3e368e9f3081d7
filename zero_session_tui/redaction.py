"""Secrets masked before a session is shared: built-in secret shapes plus the user's own.

The built-in shapes are detect-secrets' (1.5) own regular expressions, taken from its plugin
classes (AWS, Azure storage, basic auth in URLs, Discord, GitHub, GitLab, JWT, Mailchimp,
npm, OpenAI, PyPI, SendGrid, Slack, Square, Stripe, Telegram, Twilio, private keys), and a
few it lacks or whose regex does not fit text read a line at a time: ``Authorization:
Bearer …`` headers, ``password=…`` style assignments (its keyword plugin's value runs to the
end of the line, a whole sentence in prose), ``sk-…`` API keys of the current shapes, the
whole of a private key block (its plugin matches only the ``BEGIN`` line), a JWT's signature
(its regex ends lazily and leaves it out).

The user's patterns come from ``locations.redaction_config()`` (TOML)::

    disable = ["twilio-sid"]            # built-in rules to leave out (optional)

    [patterns]                          # rule name = Python regular expression
    internal-token = 'itk_[A-Za-z0-9]{32}'
    db-password = 'dbpass: (?P<secret>\\S+)'   # only the group named "secret" is masked

A rule name is lowercase letters, digits and ``-``. A bad file or pattern raises
``RedactionConfigError``: one line naming the file and the pattern, never a traceback.

Each secret is replaced by ``[•••••• rule]``: a fixed mask (it hides the secret's length)
that says which rule matched. Overlapping matches are merged into one mask.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from . import locations

__all__ = [
    "CONTEXT",
    "HEADER_SEQ",
    "MASK",
    "Redaction",
    "RedactionConfigError",
    "Redactor",
    "Rule",
    "builtin_rules",
    "mask",
]

MASK = "\u2022" * 6
"""The bullets every secret becomes (a fixed count: the secret's length is not told)."""
CONTEXT = 24
"""Characters of context each side of a secret in ``Redaction.masked``."""
HEADER_SEQ = -(2**63)
"""The ``seq`` of a redaction in a session's header (its engine URL), not in an event."""
RULE_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")


def mask(rule: str) -> str:
    """What a secret found by ``rule`` becomes in an export."""
    return f"[{MASK} {rule}]"


class RedactionConfigError(ValueError):
    """The redaction config cannot be used: the message is one line naming file and rule."""


@dataclass(frozen=True, slots=True)
class Rule:
    """A named secret shape; ``group`` is the part of a match that is masked (0: all)."""

    name: str
    regex: re.Pattern[str]
    group: int | str = 0


@dataclass(frozen=True, slots=True)
class Redaction:
    """One secret masked: where it was in the event's text (``start``/``end``, the secret's
    own characters) and ``masked``, the text around it with the secret replaced by the mask
    (never the secret itself)."""

    seq: int
    rule: str
    start: int
    end: int
    masked: str


def _detect_secrets_rules() -> list[Rule]:
    # Imported here: detect-secrets' plugins pull in ``requests``, and only an export needs them.
    from detect_secrets.plugins.aws import AWSKeyDetector
    from detect_secrets.plugins.azure_storage_key import AzureStorageKeyDetector
    from detect_secrets.plugins.basic_auth import BasicAuthDetector
    from detect_secrets.plugins.discord import DiscordBotTokenDetector
    from detect_secrets.plugins.github_token import GitHubTokenDetector
    from detect_secrets.plugins.gitlab_token import GitLabTokenDetector
    from detect_secrets.plugins.mailchimp import MailchimpDetector
    from detect_secrets.plugins.npm import NpmDetector
    from detect_secrets.plugins.openai import OpenAIDetector
    from detect_secrets.plugins.pypi_token import PypiTokenDetector
    from detect_secrets.plugins.sendgrid import SendGridDetector
    from detect_secrets.plugins.slack import SlackDetector
    from detect_secrets.plugins.square_oauth import SquareOAuthDetector
    from detect_secrets.plugins.stripe import StripeDetector
    from detect_secrets.plugins.telegram_token import TelegramBotTokenDetector
    from detect_secrets.plugins.twilio import TwilioKeyDetector

    def patterns(detector: type) -> list[re.Pattern[str]]:
        return list(detector.denylist)  # type: ignore[attr-defined]

    aws_key, aws_secret = patterns(AWSKeyDetector)
    slack_token, slack_webhook = patterns(SlackDetector)
    twilio_sid, twilio_key = patterns(TwilioKeyDetector)
    rules = [
        Rule("aws-access-key", aws_key),
        Rule("aws-secret-key", aws_secret, 1),
        Rule("url-password", patterns(BasicAuthDetector)[0], 1),
        Rule("npm-token", patterns(NpmDetector)[0], 1),
        Rule("slack-token", slack_token),
        Rule("slack-webhook", slack_webhook),
        Rule("twilio-sid", twilio_sid),
        Rule("twilio-key", twilio_key),
    ]
    whole = {
        "azure-storage-key": AzureStorageKeyDetector,
        "discord-token": DiscordBotTokenDetector,
        "github-token": GitHubTokenDetector,
        "gitlab-token": GitLabTokenDetector,
        "mailchimp-key": MailchimpDetector,
        "openai-key": OpenAIDetector,
        "pypi-token": PypiTokenDetector,
        "sendgrid-key": SendGridDetector,
        "square-oauth": SquareOAuthDetector,
        "stripe-key": StripeDetector,
        "telegram-token": TelegramBotTokenDetector,
    }
    for name, detector in whole.items():
        rules.extend(Rule(name, regex) for regex in patterns(detector))
    return rules


def _private_key_rule() -> Rule:
    from detect_secrets.plugins.private_key import PrivateKeyDetector

    # The plugin's patterns are the headers ("BEGIN RSA PRIVATE KEY"): the block is masked
    # from its BEGIN line to its END line, or to the end of the text when that is missing.
    headers = [
        regex.pattern.removeprefix("BEGIN ")
        for regex in PrivateKeyDetector.denylist
        if regex.pattern.startswith("BEGIN ")
    ]
    kinds = "|".join(re.escape(header) for header in headers)
    block = rf"-----BEGIN (?P<kind>{kinds})-----[\s\S]*?(?:-----END (?P=kind)-----|\Z)"
    putty = r"PuTTY-User-Key-File-\d:[\s\S]*?(?:Private-MAC: *\S+|\Z)"
    return Rule("private-key", re.compile(f"{block}|{putty}"))


KEYWORDS = (
    r"password|passwd|pwd|passphrase|secret|client[_-]?secret|api[_-]?key|access[_-]?key"
    r"|auth[_-]?token|access[_-]?token|private[_-]?key|secret[_-]?key"
)


def _own_rules() -> list[Rule]:
    """Shapes detect-secrets lacks, or whose regex does not fit text read line by line."""
    return [
        Rule(
            "bearer-token",
            re.compile(
                r"\bAuthorization[\"']?\s*[:=]\s*[\"']?(?:Bearer|Token|Basic)\s+"
                r"(?P<secret>[A-Za-z0-9\-._~+/]+=*)",
                re.IGNORECASE,
            ),
            "secret",
        ),
        Rule(
            "bearer-token",
            re.compile(r"\bBearer\s+(?P<secret>[A-Za-z0-9\-._~+/]{16,}=*)"),
            "secret",
        ),
        Rule(
            "password-assignment",
            re.compile(
                rf"(?:{KEYWORDS})(?:[_-][A-Za-z0-9]+)*[\"']?\s*(?::=|=>|=|:)\s*"
                r"(?P<quote>[\"'`]?)(?P<secret>[^\s\"'`,;]{3,})(?P=quote)",
                re.IGNORECASE,
            ),
            "secret",
        ),
        Rule("api-key", re.compile(r"(?<![A-Za-z0-9])sk-[A-Za-z0-9_-]{20,}")),
        # detect-secrets' JWT regex ends lazily (``*?``): it stops before the signature.
        Rule("jwt", re.compile(r"\beyJ[A-Za-z0-9_=-]+\.[A-Za-z0-9_=-]+\.?[A-Za-z0-9_.+/=-]*")),
        _private_key_rule(),
    ]


@cache
def builtin_rules() -> tuple[Rule, ...]:
    """Every built-in rule, compiled once."""
    return tuple(_detect_secrets_rules() + _own_rules())


def _user_rules(path: Path) -> tuple[list[Rule], set[str]]:
    """The rules and the disabled built-in names of the config file ``path`` (none when the
    file does not exist)."""
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return [], set()
    except (OSError, UnicodeDecodeError) as error:
        raise RedactionConfigError(f"{path}: cannot be read ({error})") from None
    try:
        config = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as error:
        raise RedactionConfigError(f"{path}: not valid TOML ({error})") from None
    known = {rule.name for rule in builtin_rules()}
    disable = config.get("disable", [])
    if not isinstance(disable, list) or not all(isinstance(n, str) for n in disable):
        raise RedactionConfigError(f"{path}: 'disable' must be a list of rule names")
    unknown = sorted(set(disable) - known)
    if unknown:
        raise RedactionConfigError(f"{path}: 'disable' names no built-in rule {unknown[0]!r}")
    patterns = config.get("patterns", {})
    if not isinstance(patterns, dict):
        raise RedactionConfigError(f"{path}: [patterns] must be a table of name = 'regex'")
    extra = set(config) - {"disable", "patterns"}
    if extra:
        raise RedactionConfigError(f"{path}: unknown key {sorted(extra)[0]!r}")
    return [_user_rule(path, name, pattern) for name, pattern in patterns.items()], set(disable)


def _user_rule(path: Path, name: str, pattern: object) -> Rule:
    if not RULE_NAME.fullmatch(name):
        raise RedactionConfigError(
            f"{path}: rule name {name!r} must be lowercase letters, digits and '-'"
        )
    if not isinstance(pattern, str):
        raise RedactionConfigError(f"{path}: pattern {name!r} must be a string")
    try:
        regex = re.compile(pattern)
    except (re.error, RecursionError, OverflowError) as error:
        detail = str(error).splitlines()[0]
        raise RedactionConfigError(
            f"{path}: pattern {name!r} ({pattern!r}) is not a valid regular expression: {detail}"
        ) from None
    if regex.fullmatch(""):
        raise RedactionConfigError(f"{path}: pattern {name!r} ({pattern!r}) matches the empty text")
    return Rule(name, regex, "secret" if "secret" in regex.groupindex else 0)


def _spans(rules: Iterable[Rule], text: str) -> list[tuple[int, int, str]]:
    """(start, end, rule) of every secret in ``text``, overlapping ones merged, in order."""
    found: list[tuple[int, int, str]] = []
    for rule in rules:
        for match in rule.regex.finditer(text):
            start, end = match.span(rule.group)
            if start < end:
                found.append((start, end, rule.name))
    found.sort(key=lambda span: (span[0], -span[1]))
    merged: list[tuple[int, int, str]] = []
    for start, end, name in found:
        if merged and start < merged[-1][1]:
            first_start, first_end, first_name = merged[-1]
            merged[-1] = (first_start, max(first_end, end), first_name)
        else:
            merged.append((start, end, name))
    return merged


@dataclass(slots=True)
class Redactor:
    """Masks secrets in text. ``found`` keeps every redaction this redactor made, in order
    (an export's count is ``len(found)``): use one redactor per export."""

    rules: tuple[Rule, ...]
    found: list[Redaction] = field(default_factory=list)

    @classmethod
    def load(cls, config: Path | None = None) -> Redactor:
        """The built-in rules, less those the config disables, plus its patterns; the config
        is ``config``, else ``locations.redaction_config()``. Raises RedactionConfigError."""
        path = config if config is not None else locations.redaction_config()
        extra, disabled = _user_rules(path)
        kept = tuple(rule for rule in builtin_rules() if rule.name not in disabled)
        return cls(kept + tuple(extra))

    def fresh(self) -> Redactor:
        """The same rules, nothing found yet (for another export)."""
        return Redactor(self.rules)

    def redact(self, seq: int, text: str) -> tuple[str, list[Redaction]]:
        """``text`` with every secret replaced by its mask, and the redactions made."""
        spans = _spans(self.rules, text)
        if not spans:
            return text, []
        parts: list[str] = []
        places: list[tuple[int, int]] = []  # each mask's span in the output
        at = out = 0
        for start, end, name in spans:
            parts.append(text[at:start])
            out += start - at
            shown = mask(name)
            parts.append(shown)
            places.append((out, out + len(shown)))
            out += len(shown)
            at = end
        parts.append(text[at:])
        redacted = "".join(parts)
        made = [
            Redaction(seq, name, start, end, _context(redacted, *place))
            for (start, end, name), place in zip(spans, places, strict=True)
        ]
        self.found.extend(made)
        return redacted, made


def _context(redacted: str, start: int, end: int) -> str:
    """The mask at ``start:end`` of ``redacted`` with ``CONTEXT`` characters each side, on
    one line (line breaks and tabs as spaces; other secrets nearby are masked too)."""
    before = redacted[max(0, start - CONTEXT) : start]
    after = redacted[end : end + CONTEXT]
    head = "\u2026" if start > CONTEXT else ""
    tail = "\u2026" if end + CONTEXT < len(redacted) else ""
    return re.sub(r"\s", " ", f"{head}{before}{redacted[start:end]}{after}{tail}")
