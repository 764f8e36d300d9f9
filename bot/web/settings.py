"""The web channel's configuration, read once at start-up from the environment captured in Settings.

| variable | default | meaning |
|---|---|---|
| `WIDGET_SITES` | `demo=` | `key=origin,origin;key2=origin`: the site keys and the origins allowed to use each |
| `WIDGET_DEMO_SITE` | `demo` | the site key of the demo page at `/`; always exists, the gateway's own origin is allowed |
| `WIDGET_PUBLIC_URL` | (from the request) | the gateway's public base URL, used in the snippet on the demo page |
| `WIDGET_RATE_SESSION` | `30/minute` | chat messages per session (syntax of the `limits` library: `N/second|minute|hour|day`) |
| `WIDGET_RATE_IP` | `120/minute` | API requests per client IP |
| `WIDGET_RATE_NEW_SESSION` | `60/hour` | new sessions per client IP |
| `WIDGET_MAX_BODY` | `4096` | largest accepted request body in bytes (larger → 413) |
| `WIDGET_MAX_TEXT` | `1000` | longest user message in characters (longer → 400) |
| `WIDGET_HISTORY_LIMIT` | `200` | most recent messages returned by the history endpoint |
| `WIDGET_RETENTION_DAYS` | `30` | conversations idle longer than this are deleted (at start-up and every `RETENTION_SWEEP_SECONDS`) |
| `WIDGET_TRUSTED_PROXIES` | (none) | comma-separated IPs or CIDR networks of your reverse proxies; only their `X-Forwarded-For` is read |
| `WIDGET_SENDER_KEY` | (generated: `$ADVISOR_DATA_DIR/web_sender.key`) | secret key of the HMAC that turns a session id into Rasa's sender id (at least 32 characters) |

Sessions and history go to PostgreSQL with DATABASE_URL, the rate limits to Redis with REDIS_URL
(both read once by bot/settings.py; README "Configuration").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Mapping

from limits import RateLimitItem, parse

from bot.forwarded import IpNetwork, networks
from bot.origins import canonical_origin
from bot.settings import Settings, SettingsError, env_int, rate

SITE_KEY = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def _sender_key(env: Mapping[str, str]) -> str:
    key = env.get("WIDGET_SENDER_KEY", "").strip()
    if key and len(key) < 32:
        raise SettingsError("WIDGET_SENDER_KEY must be at least 32 characters (e.g. `openssl rand -hex 32`)")
    return key


def _no_trust_forwarded(env: Mapping[str, str]) -> None:
    """WIDGET_TRUST_FORWARDED trusted any client's header; refusing it beats ignoring it silently."""
    if env.get("WIDGET_TRUST_FORWARDED", "").strip() not in ("", "0"):
        raise SettingsError(
            "WIDGET_TRUST_FORWARDED is gone: list your proxies in WIDGET_TRUSTED_PROXIES (e.g. 127.0.0.1)"
        )


def normalize_origin(raw: str, variable: str) -> str:
    """An origin as browsers send it (bot/origins.py: lower case, punycode host, no default port);
    anything with a path, user info or another scheme is a config error."""
    origin = canonical_origin(raw)
    if origin is None:
        raise SettingsError(f"{variable}: {raw!r} is not an origin like https://www.example.com")
    return origin


def parse_sites(raw: str, variable: str = "WIDGET_SITES") -> dict[str, tuple[str, ...]]:
    """`key=origin,origin;key2=origin` → {key: (origin, …)}; names the bad entry on error."""
    sites: dict[str, tuple[str, ...]] = {}
    for entry in filter(None, (part.strip() for part in raw.split(";"))):
        key, sep, origins = entry.partition("=")
        key = key.strip()
        if not sep or not SITE_KEY.match(key):
            raise SettingsError(
                f"{variable}: {entry!r} must be key=origin[,origin] with key of A-Z a-z 0-9 _ -"
            )
        if key in sites:
            raise SettingsError(f"{variable}: site key {key!r} appears twice")
        sites[key] = tuple(normalize_origin(o, variable) for o in origins.split(",") if o.strip())
    return sites


@dataclass(frozen=True)
class WebSettings:
    """Sites, limits and storage of the website channel; see the table in this module's docstring."""

    sites: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: {"demo": ()})
    demo_site: str = "demo"
    public_url: str = ""
    rate_session: str = "30/minute"
    rate_ip: str = "120/minute"
    rate_new_session: str = "60/hour"
    max_body: int = 4096
    max_text: int = 1000
    history_limit: int = 200
    retention_days: int = 30
    trusted_proxies: tuple[IpNetwork, ...] = ()
    sender_key: str = field(default="", repr=False)
    data_dir: str = "var"
    database_url: str = ""  # from the gateway's DATABASE_URL: sessions and history in PostgreSQL
    redis_url: str = ""  # from the gateway's REDIS_URL: rate limits shared by every gateway

    @classmethod
    def from_env(cls, env: Mapping[str, str], data_dir: str = "var") -> "WebSettings":
        demo_site = env.get("WIDGET_DEMO_SITE", "").strip() or cls.demo_site
        if not SITE_KEY.match(demo_site):
            raise SettingsError(f"WIDGET_DEMO_SITE: {demo_site!r} must be A-Z a-z 0-9 _ - (1-64)")
        sites = parse_sites(env.get("WIDGET_SITES", ""))
        sites.setdefault(demo_site, ())
        public_url = env.get("WIDGET_PUBLIC_URL", "").strip().rstrip("/")
        if public_url:
            public_url = normalize_origin(public_url, "WIDGET_PUBLIC_URL")
        _no_trust_forwarded(env)
        return cls(
            sites=sites,
            demo_site=demo_site,
            public_url=public_url,
            rate_session=rate(env, "WIDGET_RATE_SESSION", cls.rate_session),
            rate_ip=rate(env, "WIDGET_RATE_IP", cls.rate_ip),
            rate_new_session=rate(env, "WIDGET_RATE_NEW_SESSION", cls.rate_new_session),
            max_body=env_int(env, "WIDGET_MAX_BODY", cls.max_body, minimum=1),
            max_text=env_int(env, "WIDGET_MAX_TEXT", cls.max_text, minimum=1),
            history_limit=env_int(env, "WIDGET_HISTORY_LIMIT", cls.history_limit, minimum=1),
            retention_days=env_int(env, "WIDGET_RETENTION_DAYS", cls.retention_days, minimum=1),
            trusted_proxies=networks(env, "WIDGET_TRUSTED_PROXIES"),
            sender_key=_sender_key(env),
            data_dir=data_dir,
        )

    @classmethod
    def from_gateway(cls, settings: Settings) -> "WebSettings":
        web = cls.from_env(settings.env, data_dir=settings.data_dir)
        return replace(web, database_url=settings.database_url, redis_url=settings.redis_url)

    @property
    def database(self) -> Path:
        return Path(self.data_dir) / "web_chat.sqlite3"

    @property
    def all_origins(self) -> frozenset[str]:
        return frozenset(o for origins in self.sites.values() for o in origins)

    def limit(self, name: str) -> RateLimitItem:
        return parse(getattr(self, name))
