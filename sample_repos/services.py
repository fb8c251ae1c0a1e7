"""The services in every sample repository: their language, layout and vocabulary.

A small online shop: checkout and inventory in Python, the storefront in TypeScript,
payments in Go, notifications in Java. The vocabulary (subjects, fields, function names)
makes generated code read like code a team would write, and keeps each service's code
recognisably its own.
"""

from __future__ import annotations

import dataclasses


@dataclasses.dataclass(frozen=True)
class Field:
    """A field of a subject; ``values`` are the strings compared against, or a number range."""

    name: str
    kind: str  # num | str | bool
    values: tuple[str, ...] = ()
    low: int = 0
    high: int = 100


@dataclasses.dataclass(frozen=True)
class Subject:
    """A function parameter: ``order: Order``."""

    name: str
    type_name: str
    fields: tuple[Field, ...]


@dataclasses.dataclass(frozen=True)
class Service:
    """One service: where its code lives and what it talks about."""

    name: str
    language: str
    team: str
    root: str
    source_root: str
    test_root: str
    package: str
    subjects: tuple[Subject, Subject]
    modules: tuple[str, ...]
    verbs: tuple[str, ...]
    nouns: tuple[str, ...]
    subdirs: tuple[str, ...]
    weight: float
    symptoms: tuple[str, ...]
    incident_source: str  # which tool its team pages through: pagerduty | incidentio | csv


def _num(name: str, low: int, high: int) -> Field:
    return Field(name, "num", low=low, high=high)


def _str(name: str, *values: str) -> Field:
    return Field(name, "str", values=values)


def _bool(name: str) -> Field:
    return Field(name, "bool")


CHECKOUT = Service(
    name="checkout",
    language="python",
    team="Checkout",
    root="services/checkout",
    source_root="services/checkout/checkout",
    test_root="services/checkout/tests",
    package="checkout",
    subjects=(
        Subject(
            "order",
            "Order",
            (
                _num("total", 5, 900),
                _num("item_count", 1, 40),
                _str("region", "eu", "us", "apac", "latam", "uk"),
                _str("coupon_code", "SPRING10", "VIP20", "WELCOME5", "BULK15", "FREESHIP"),
                _bool("is_gift"),
                _num("retries", 1, 6),
                _num("weight_grams", 100, 25000),
            ),
        ),
        Subject(
            "ctx",
            "Context",
            (
                _str("tier", "free", "plus", "pro", "staff"),
                _str("channel", "web", "ios", "android", "pos"),
                _bool("is_first_order"),
                _num("risk_score", 1, 99),
                _str("currency", "EUR", "USD", "GBP", "JPY", "BRL"),
            ),
        ),
    ),
    modules=(
        "cart",
        "pricing",
        "orders",
        "shipping",
        "promotions",
        "tax",
        "loyalty",
        "gift_cards",
        "fraud_checks",
        "receipts",
        "refunds",
        "sessions",
        "currency",
        "bundles",
        "subscriptions",
        "returns",
        "quotes",
        "wallets",
    ),
    verbs=("compute", "apply", "estimate", "adjust", "resolve", "score"),
    nouns=(
        "shipping_fee",
        "bulk_discount",
        "delivery_days",
        "tax_due",
        "loyalty_points",
        "retry_delay",
        "fraud_score",
        "gift_wrap_fee",
        "basket_limit",
        "promo_credit",
        "handling_fee",
        "priority_rank",
        "refund_amount",
        "coupon_discount",
        "hold_minutes",
    ),
    subdirs=("core", "api", "rules"),
    weight=0.3,
    symptoms=(
        "Checkout requests timing out",
        "Wrong totals on discounted orders",
        "Orders stuck in pending",
        "5xx errors on /cart",
        "Double-applied coupons at checkout",
        "Shipping fees missing for some regions",
        "Gift orders rejected at payment step",
    ),
    incident_source="pagerduty",
)

INVENTORY = Service(
    name="inventory",
    language="python",
    team="Fulfilment",
    root="services/inventory",
    source_root="services/inventory/inventory",
    test_root="services/inventory/tests",
    package="inventory",
    subjects=(
        Subject(
            "item",
            "Item",
            (
                _num("quantity", 0, 500),
                _str("warehouse", "ams", "fra", "dub", "iad", "sin"),
                _bool("is_perishable"),
                _num("reorder_point", 5, 120),
                _num("weight_grams", 50, 30000),
            ),
        ),
        Subject(
            "request",
            "StockRequest",
            (
                _str("priority", "standard", "express", "bulk", "replacement"),
                _num("quantity", 1, 200),
                _bool("is_backorder"),
                _num("age_hours", 0, 96),
            ),
        ),
    ),
    modules=(
        "stock",
        "reservations",
        "replenishment",
        "warehouses",
        "allocation",
        "counts",
        "transfers",
        "picking",
        "expiry",
        "suppliers",
    ),
    verbs=("compute", "estimate", "resolve", "plan", "score"),
    nouns=(
        "reserve_quantity",
        "restock_level",
        "pick_priority",
        "hold_hours",
        "transfer_cost",
        "shrink_allowance",
        "expiry_days",
        "batch_size",
        "safety_stock",
    ),
    subdirs=("core", "planning"),
    weight=0.12,
    symptoms=(
        "Stock reservations leaking",
        "Oversold items after restock",
        "Replenishment job stuck",
        "Pick lists missing express orders",
    ),
    incident_source="csv",
)

STOREFRONT = Service(
    name="storefront",
    language="typescript",
    team="Web",
    root="services/storefront",
    source_root="services/storefront/src",
    test_root="services/storefront/src/__tests__",
    package="storefront",
    subjects=(
        Subject(
            "product",
            "Product",
            (
                _num("price", 1, 2000),
                _num("stock", 0, 300),
                _str("category", "shoes", "books", "garden", "toys", "kitchen"),
                _bool("is_featured"),
                _num("rating", 1, 5),
            ),
        ),
        Subject(
            "session",
            "Session",
            (
                _str("locale", "en-GB", "de-DE", "fr-FR", "ja-JP", "pt-BR"),
                _str("device", "mobile", "desktop", "tablet"),
                _bool("is_logged_in"),
                _num("cart_size", 0, 30),
            ),
        ),
    ),
    modules=(
        "search",
        "product_card",
        "cart_drawer",
        "checkout_form",
        "recommendations",
        "analytics",
        "filters",
        "pagination",
        "reviews",
        "wishlist",
        "banners",
        "layout",
        "price_tag",
        "store_locator",
    ),
    verbs=("compute", "rank", "resolve", "estimate", "score"),
    nouns=(
        "result_score",
        "badge_count",
        "image_width",
        "banner_slot",
        "prefetch_delay",
        "review_weight",
        "price_rank",
        "tile_height",
        "upsell_score",
        "lazy_offset",
    ),
    subdirs=("components", "lib", "features"),
    weight=0.25,
    symptoms=(
        "Blank product pages on Safari",
        "Search returning no results",
        "Cart drawer failing to open",
        "Storefront LCP above 6s",
        "Checkout form rejecting valid postcodes",
    ),
    incident_source="pagerduty",
)

PAYMENTS = Service(
    name="payments",
    language="go",
    team="Payments",
    root="services/payments",
    source_root="services/payments/internal",
    test_root="services/payments/internal",
    package="example.com/payments",
    subjects=(
        Subject(
            "payment",
            "Payment",
            (
                _num("amount", 1, 5000),
                _str("currency", "EUR", "USD", "GBP", "JPY"),
                _str("method", "card", "sepa", "ideal", "paypal", "wallet"),
                _num("attempts", 1, 6),
                _bool("is_recurring"),
            ),
        ),
        Subject(
            "account",
            "Account",
            (
                _str("country", "DE", "US", "GB", "NL", "JP", "BR"),
                _str("tier", "basic", "business", "enterprise"),
                _bool("is_verified"),
                _num("risk_score", 1, 99),
            ),
        ),
    ),
    modules=(
        "ledger",
        "refunds",
        "captures",
        "payouts",
        "fees",
        "disputes",
        "limits",
        "retries",
        "reconciliation",
        "webhooks",
        "fx",
        "settlement",
        "chargebacks",
    ),
    verbs=("compute", "resolve", "estimate", "score"),
    nouns=(
        "fee",
        "hold_days",
        "retry_delay",
        "payout_limit",
        "risk_weight",
        "fx_margin",
        "capture_window",
        "reserve_amount",
        "dispute_score",
    ),
    subdirs=("billing", "core"),
    weight=0.2,
    symptoms=(
        "Refunds failing for partial captures",
        "Duplicate ledger entries",
        "Payouts delayed past SLA",
        "Card payments declined with internal error",
        "Webhook deliveries retried in a loop",
    ),
    incident_source="incidentio",
)

NOTIFICATIONS = Service(
    name="notifications",
    language="java",
    team="Messaging",
    root="services/notifications",
    source_root="services/notifications/src/main/java/com/example/notifications",
    test_root="services/notifications/src/test/java/com/example/notifications",
    package="com.example.notifications",
    subjects=(
        Subject(
            "message",
            "Message",
            (
                _str("channel", "email", "sms", "push", "webhook"),
                _num("attempts", 1, 8),
                _num("priority", 1, 5),
                _bool("is_transactional"),
                _num("size_bytes", 100, 90000),
            ),
        ),
        Subject(
            "recipient",
            "Recipient",
            (
                _str("locale", "en", "de", "fr", "ja", "pt"),
                _num("bounce_count", 0, 9),
                _bool("is_opted_in"),
                _num("timezone_offset", -12, 14),
            ),
        ),
    ),
    modules=(
        "email_sender",
        "sms_gateway",
        "push_dispatcher",
        "template_renderer",
        "retry_policy",
        "digest_scheduler",
        "webhook_notifier",
        "quiet_hours",
        "rate_limiter",
        "bounce_handler",
        "preference_store",
    ),
    verbs=("compute", "resolve", "estimate", "score"),
    nouns=(
        "send_delay",
        "batch_size",
        "retry_budget",
        "priority_score",
        "throttle_ms",
        "digest_window",
        "quiet_minutes",
        "template_weight",
    ),
    subdirs=("delivery", "policy", "channels"),
    weight=0.13,
    symptoms=(
        "Order confirmation emails not sent",
        "SMS retries flooding the provider",
        "Push notifications delivered twice",
        "Digest emails sent at 3am local time",
    ),
    incident_source="csv",
)

SERVICES: tuple[Service, ...] = (CHECKOUT, INVENTORY, STOREFRONT, PAYMENTS, NOTIFICATIONS)
SERVICE_BY_NAME = {service.name: service for service in SERVICES}

#: The platform (deploy configuration, certificates, DNS): owns no application code.
PLATFORM = "platform"
