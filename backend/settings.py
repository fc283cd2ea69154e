"""One settings object for the API, the worker and the command line, from env vars and `.env`."""

from __future__ import annotations

import hashlib
import os
import secrets
import tempfile
from enum import StrEnum
from functools import cached_property
from pathlib import Path
from typing import Literal, Self

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

VAR_DIR = Path("var")
# Longest relay folder whose sockets ("<pid>-<8 hex>.sock") stay within a socket path's limit.
MAX_RELAY_FOLDER_BYTES = 78


class Environment(StrEnum):
    DEVELOPMENT = "development"
    PRODUCTION = "production"


class ConfigurationError(RuntimeError):
    """The settings cannot run safely; the process must not start."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    env: Environment = Field(Environment.DEVELOPMENT, alias="CITIZEN_ENV")
    var_dir: Path = Field(VAR_DIR, alias="CITIZEN_VAR_DIR")
    database_url: str = Field("sqlite+aiosqlite:///var/citizen.db", alias="DATABASE_URL")
    database_pool_size: int = Field(10, alias="DATABASE_POOL_SIZE", ge=1)
    broker_url: str | None = Field(None, alias="CELERY_BROKER_URL")
    # Redis re-delivers a task whose worker vanished after this long: keep it above the longest
    # task (tasks are limited to 10 minutes) and every retry countdown (at most 5 minutes).
    celery_visibility_timeout: int = Field(3600, alias="CELERY_VISIBILITY_TIMEOUT", ge=1)

    jwt_signing_key_file: Path | None = Field(None, alias="JWT_SIGNING_KEY_FILE")
    jwt_verification_key_files: list[Path] = Field([], alias="JWT_VERIFICATION_KEY_FILES")
    jwt_issuer: str = Field("https://citizen-hub.hue.gov.vn", alias="JWT_ISSUER")
    jwt_audience: str = Field("citizen-app", alias="JWT_AUDIENCE")
    access_token_ttl_seconds: int = Field(900, alias="ACCESS_TOKEN_TTL_SECONDS", ge=60)
    refresh_token_ttl_days: int = Field(30, alias="REFRESH_TOKEN_TTL_DAYS", ge=1)
    refresh_reuse_grace_seconds: int = Field(10, alias="REFRESH_REUSE_GRACE_SECONDS", ge=0)
    refresh_token_secret: str | None = Field(None, alias="REFRESH_TOKEN_SECRET")
    # Key of the HMAC under which ingestion API keys (the police violation feed) are stored.
    feed_key_secret: str | None = Field(None, alias="FEED_KEY_SECRET")

    fcm_credentials_file: Path | None = Field(None, alias="FCM_CREDENTIALS_FILE")
    # FCM's HTTP v1 send URL with `{0}` for the project id: for an egress proxy or a test double.
    fcm_endpoint: str | None = Field(None, alias="FCM_ENDPOINT")
    # `http`: the lean aiohttp sender; `send_each`: firebase-admin's own, kept as a fallback.
    push_gateway: Literal["http", "send_each"] = Field("http", alias="PUSH_GATEWAY")
    # FCM's default quota is 600,000 messages a minute per project: stay under 10,000/s.
    push_rate_per_second: int | None = Field(8000, alias="PUSH_RATE_PER_SECOND", ge=1)
    # Messages sent (and their delivery records committed) per step: at most this many can be
    # sent twice when a worker dies mid-step.
    push_chunk_size: int = Field(500, alias="PUSH_CHUNK_SIZE", ge=1, le=500)

    health_cancel_cutoff_minutes: int = Field(120, alias="HEALTH_CANCEL_CUTOFF_MINUTES", ge=0)
    health_max_upcoming_appointments: int = Field(5, alias="HEALTH_MAX_UPCOMING_APPOINTMENTS", ge=1)
    health_slot_horizon_days: int = Field(30, alias="HEALTH_SLOT_HORIZON_DAYS", ge=1, le=366)

    graphql_ide: bool | None = Field(None, alias="GRAPHQL_IDE")
    graphql_introspection: bool | None = Field(None, alias="GRAPHQL_INTROSPECTION")
    graphql_max_depth: int = Field(12, alias="GRAPHQL_MAX_DEPTH", ge=2)
    graphql_max_aliases: int = Field(15, alias="GRAPHQL_MAX_ALIASES", ge=0)
    graphql_max_tokens: int = Field(2000, alias="GRAPHQL_MAX_TOKENS", ge=50)
    graphql_max_cost: int = Field(5000, alias="GRAPHQL_MAX_COST", ge=10)
    # Run queries and one-field mutations as compiled plans (backend/graphql_api/plans.py); false
    # runs graphql-core's executor for everything, a way back should a plan ever answer differently.
    graphql_query_plans: bool = Field(True, alias="GRAPHQL_QUERY_PLANS")
    # Run only the operations of mobile_contract/persisted-queries.json (the app's own).
    graphql_trusted_documents_only: bool = Field(False, alias="GRAPHQL_TRUSTED_DOCUMENTS_ONLY")
    # More manifests trusted beside it, in the same format: the native apps' builds (Apollo
    # Kotlin and Apollo iOS print documents their own way, so their ids differ from the web's).
    graphql_extra_manifests: list[Path] = Field([], alias="GRAPHQL_EXTRA_MANIFESTS")
    # Where automatic persisted queries are remembered across API processes (memory if unset).
    cache_redis_url: str | None = Field(None, alias="CACHE_REDIS_URL")
    # Redis for live events (subscriptions) across processes; unset: CACHE_REDIS_URL, else a
    # redis:// Celery broker, else in-process only (docs/live.md).
    live_redis_url: str | None = Field(None, alias="LIVE_REDIS_URL")
    # Subscriptions over WebSocket (backend/graphql_api/websocket.py): operations one socket may
    # run at once, seconds to send `connection_init`, the largest message accepted.
    graphql_ws_max_subscriptions: int = Field(20, alias="GRAPHQL_WS_MAX_SUBSCRIPTIONS", ge=1)
    graphql_ws_init_timeout_seconds: float = Field(
        10.0, alias="GRAPHQL_WS_INIT_TIMEOUT_SECONDS", gt=0
    )
    graphql_ws_max_message_bytes: int = Field(
        64 * 1024, alias="GRAPHQL_WS_MAX_MESSAGE_BYTES", ge=1024
    )
    public_answer_ttl_seconds: float = Field(10.0, ge=0, alias="PUBLIC_ANSWER_TTL_SECONDS")
    # Environment sensors: the MQTT broker `citizen mqtt` (and a worker) subscribes to, e.g.
    # mqtt://127.0.0.1:1883 (unset: no subscription); the key of station keys' HMAC.
    mqtt_url: str | None = Field(None, alias="MQTT_URL")
    # Put before SensorThings' topics (`<prefix>v1.1/Datastreams(<id>)/Observations`).
    mqtt_topic_prefix: str = Field("", alias="MQTT_TOPIC_PREFIX")
    station_key_secret: str | None = Field(None, alias="STATION_KEY_SECRET")
    # How long an API process trusts a key it verified (a rotation's end reaches it this late).
    station_key_cache_seconds: float = Field(60.0, ge=0, alias="STATION_KEY_CACHE_SECONDS")
    # Group commit of HTTP ingest batches (docs/environment.md): a group is written in one
    # transaction once it holds this many readings, or this long after its first batch arrived.
    ingest_group_max_rows: int = Field(10_000, ge=1, alias="INGEST_GROUP_MAX_ROWS")
    ingest_group_max_delay_ms: float = Field(5.0, ge=0, alias="INGEST_GROUP_MAX_DELAY_MS")
    # Groups written at once by one process, each in a transaction (SQLite: always one).
    ingest_group_writers: int = Field(2, ge=1, alias="INGEST_GROUP_WRITERS")
    # Web origins that may call the API from a browser (the app itself needs none).
    cors_allowed_origins: list[str] = Field([], alias="CORS_ALLOWED_ORIGINS")
    # Bearer token /metrics requires; without one, production does not serve /metrics.
    metrics_token: str | None = Field(None, alias="METRICS_TOKEN")

    # Client addresses come from X-Forwarded-For only when the peer is one of these proxies
    # (comma-separated addresses or networks, uvicorn's syntax); empty: trust no header.
    forwarded_allow_ips: str = Field("", alias="FORWARDED_ALLOW_IPS")

    # Failures of one (account, device) pair before its attempts must wait 1, 2, 4 … s.
    login_delay_after_failures: int = Field(3, alias="LOGIN_DELAY_AFTER_FAILURES", ge=1)
    # The account-wide ceiling: high, so that failures elsewhere rarely lock the owner out, and
    # a device that signed in to the account before is exempt from it.
    login_lock_after_failures: int = Field(100, alias="LOGIN_LOCK_AFTER_FAILURES", ge=2)
    login_address_lock_after_failures: int = Field(
        50, alias="LOGIN_ADDRESS_LOCK_AFTER_FAILURES", ge=2
    )
    login_lock_minutes: int = Field(15, alias="LOGIN_LOCK_MINUTES", ge=1)

    # Where SMS go: a provider's HTTP API, or (unset, development) the log and var/sms-inbox.jsonl.
    # Uploaded documents: a folder under var/ by default, or s3://bucket/prefix.
    file_storage_url: str | None = Field(None, alias="FILE_STORAGE_URL")
    s3_endpoint_url: str | None = Field(None, alias="S3_ENDPOINT_URL")
    s3_region: str = Field("us-east-1", alias="S3_REGION")
    sms_gateway_url: str | None = Field(None, alias="SMS_GATEWAY_URL")
    sms_gateway_token: str | None = Field(None, alias="SMS_GATEWAY_TOKEN")
    sms_timeout_seconds: float = Field(5.0, alias="SMS_TIMEOUT_SECONDS", gt=0)
    phone_code_ttl_minutes: int = Field(10, alias="PHONE_CODE_TTL_MINUTES", ge=1)
    phone_code_max_attempts: int = Field(5, alias="PHONE_CODE_MAX_ATTEMPTS", ge=1)
    phone_code_resend_seconds: int = Field(60, alias="PHONE_CODE_RESEND_SECONDS", ge=0)
    # SMS one phone number, one app installation, one client address may cause per hour.
    sms_per_phone_per_hour: int = Field(5, alias="SMS_PER_PHONE_PER_HOUR", ge=1)
    sms_per_device_per_hour: int = Field(10, alias="SMS_PER_DEVICE_PER_HOUR", ge=1)
    sms_per_address_per_hour: int = Field(30, alias="SMS_PER_ADDRESS_PER_HOUR", ge=1)

    # Encrypts the card issuer's private keys in the database (development: var/keys/).
    cards_key_secret: str | None = Field(None, alias="CARDS_KEY_SECRET")
    # Passkeys of civil servants on the web: the relying party (a domain) and the web origin;
    # both default to the host of JWT_ISSUER.
    # Card nonces (`requestCardNonce`, anonymous) one app installation and one client address
    # may ask for per minute: a verifier scans a few cards a minute, a gate of phones behind
    # one address more.
    card_nonces_per_device_per_minute: int = Field(
        20, alias="CARD_NONCES_PER_DEVICE_PER_MINUTE", ge=1
    )
    card_nonces_per_address_per_minute: int = Field(
        120, alias="CARD_NONCES_PER_ADDRESS_PER_MINUTE", ge=1
    )
    passkey_rp_id: str | None = Field(None, alias="PASSKEY_RP_ID")
    passkey_origin: str | None = Field(None, alias="PASSKEY_ORIGIN")

    @model_validator(mode="after")
    def _production_is_explicit(self) -> Self:
        if self.env is Environment.PRODUCTION:
            missing = [
                name
                for name, value in (
                    ("JWT_SIGNING_KEY_FILE", self.jwt_signing_key_file),
                    ("REFRESH_TOKEN_SECRET", self.refresh_token_secret),
                )
                if not value
            ]
            if missing:
                raise ConfigurationError(
                    "production refuses to start without " + ", ".join(missing)
                )
            if self.refresh_token_secret and len(self.refresh_token_secret) < 32:
                raise ConfigurationError("REFRESH_TOKEN_SECRET must be at least 32 characters")
            if "*" in self.cors_allowed_origins:
                raise ConfigurationError("CORS_ALLOWED_ORIGINS must name origins, not *")
        return self

    @property
    def is_production(self) -> bool:
        return self.env is Environment.PRODUCTION

    @property
    def ide_enabled(self) -> bool:
        return self.graphql_ide if self.graphql_ide is not None else not self.is_production

    @property
    def introspection_enabled(self) -> bool:
        if self.graphql_introspection is not None:
            return self.graphql_introspection
        return not self.is_production

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def celery_broker_url(self) -> str:
        """Redis (or any kombu URL) when configured; otherwise a broker made of files in var/."""
        return self.broker_url or "filesystem://"

    @property
    def live_events_url(self) -> str | None:
        """The Redis that carries live events between processes, if any."""
        broker = self.broker_url or ""
        fallback = broker if broker.startswith(("redis://", "rediss://")) else None
        return self.live_redis_url or self.cache_redis_url or fallback

    @property
    def live_relay_folder(self) -> Path:
        """Where processes of one machine relay live events to each other without Redis. A
        Unix socket's path is short (107 bytes on Linux), so a deep var/ relays through a
        folder under the system's temporary directory named after it instead."""
        folder = self.var_dir.resolve() / "live"
        if len(os.fsencode(folder)) <= MAX_RELAY_FOLDER_BYTES:
            return folder
        digest = hashlib.sha256(os.fsencode(self.var_dir.resolve())).hexdigest()[:16]
        return Path(tempfile.gettempdir()) / f"citizen-live-{digest}"

    @property
    def broker_folder(self) -> Path:
        return self.var_dir / "broker"

    @cached_property
    def signing_key_pem(self) -> bytes:
        """The private key that signs access tokens; development makes one under var/."""
        if self.jwt_signing_key_file is not None:
            return self.jwt_signing_key_file.read_bytes()
        if self.is_production:  # unreachable past the validator; kept as a guard
            raise ConfigurationError("production needs JWT_SIGNING_KEY_FILE")
        path = self.var_dir / "keys" / "jwt-signing-ed25519.pem"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            pem = Ed25519PrivateKey.generate().private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
            _write_private(path, pem)
        return path.read_bytes()

    @cached_property
    def verification_key_pems(self) -> list[bytes]:
        """Public keys still accepted (keys being rotated out), besides the signing key's own."""
        return [path.read_bytes() for path in self.jwt_verification_key_files]

    @cached_property
    def refresh_secret(self) -> bytes:
        """Key of the HMAC that derives a rotated refresh token from its parent."""
        if self.refresh_token_secret:
            return self.refresh_token_secret.encode()
        path = self.var_dir / "keys" / "refresh-token-secret"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            _write_private(path, secrets.token_urlsafe(48).encode())
        return path.read_bytes().strip()

    @cached_property
    def feed_secret(self) -> bytes:
        """Key of the HMAC that stores ingestion API keys; development makes one under var/."""
        if self.feed_key_secret:
            return self.feed_key_secret.encode()
        path = self.var_dir / "keys" / "feed-key-secret"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            _write_private(path, secrets.token_urlsafe(48).encode())
        return path.read_bytes().strip()

    @cached_property
    def card_key_secret(self) -> bytes:
        """Key material that encrypts the card issuer's private keys at rest."""
        if self.cards_key_secret:
            return self.cards_key_secret.encode()
        if self.is_production:
            raise ConfigurationError("issuing cards in production needs CARDS_KEY_SECRET")
        path = self.var_dir / "keys" / "cards-key-secret"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            _write_private(path, secrets.token_urlsafe(48).encode())
        return path.read_bytes().strip()

    @cached_property
    def station_key_pepper(self) -> bytes:
        """Key of the HMAC-SHA256 under which stations' ingest keys are stored."""
        if self.station_key_secret:
            return self.station_key_secret.encode()
        path = self.var_dir / "keys" / "station-key-secret"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            _write_private(path, secrets.token_urlsafe(48).encode())
        return path.read_bytes().strip()


def _write_private(path: Path, content: bytes) -> None:
    path.touch(mode=0o600)
    path.write_bytes(content)
