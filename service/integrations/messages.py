"""Human messages of the integration product in Persian (the default) and English.

Responses also carry a machine-readable ``code``/``status``, so clients never parse
these texts.
"""

from __future__ import annotations

import functools

SUPPORTED = ("fa", "en")
DEFAULT = "fa"

MESSAGES: dict[str, dict[str, str]] = {
    "token_shown_once": {
        "fa": "⚠ این token فقط یکبار نمایش داده می‌شود. لطفاً آن را کپی کنید.",
        "en": "⚠ This token is shown only once. Please copy it now.",
    },
    "health_ok": {
        "fa": "اتصال با موفقیت برقرار شد.",
        "en": "Connection established.",
    },
    "processed": {
        "fa": "رویداد با موفقیت پردازش شد.",
        "en": "The event was processed.",
    },
    "skipped": {
        "fa": "این رویداد قبلاً دریافت شده است؛ نتیجهٔ اول برگردانده شد.",
        "en": "This event was already received; the first outcome is returned.",
    },
    "stale": {
        "fa": "نسخهٔ جدیدتری از این محصول ذخیره شده است؛ تغییری اعمال نشد.",
        "en": "A newer version of this product is stored; nothing was changed.",
    },
    "nothing_to_delete": {
        "fa": "محصولی برای حذف پیدا نشد؛ تغییری اعمال نشد.",
        "en": "There was no product to delete; nothing was changed.",
    },
    "failed": {
        "fa": "پردازش رویداد ناموفق بود.",
        "en": "The event could not be processed.",
    },
}


@functools.lru_cache(maxsize=128)  # a plugin sends the same header on every call
def preferred_language(header: str | None) -> str:
    """The supported language the ``Accept-Language`` header prefers most.

    Entries are ranked by q-value (1 when absent), ties by their order in the header;
    ``q=0`` means "not acceptable" and ``*`` stands for the default language.
    """
    if not header:
        return DEFAULT
    best: tuple[float, int, str] | None = None
    for position, item in enumerate(header.split(",")):
        tag, *params = (part.strip() for part in item.split(";"))
        quality = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = -1.0
        if not 0 < quality <= 1:
            continue
        primary = tag.lower().split("-", 1)[0]
        language = DEFAULT if primary == "*" else primary
        if language not in SUPPORTED:
            continue
        rank = (-quality, position, language)
        if best is None or rank < best:
            best = rank
    return best[2] if best else DEFAULT


def message(key: str, language: str = DEFAULT) -> str:
    texts = MESSAGES[key]
    return texts.get(language, texts[DEFAULT])
