# ruff: noqa: E501  (data tables read best one row per line)
"""The demo shop's data: a Tehran store selling in Toman, with Persian and English names."""

from __future__ import annotations

from typing import Any

SETTINGS: dict[str, Any] = {
    "store": {
        "name": "فروشگاه شاپ‌کیپ",
        "email": "hello@shopkeep.test",
        "address": "خیابان ولیعصر، پلاک ۲۴۰",
        "address_2": "طبقه دوم",
        "city": "تهران",
        "state": "THR",
        "postcode": "1417935840",
        "country": "IR",
        "currency": "IRT",
        "currency_position": "right_space",
        "thousand_separator": ",",
        "decimal_separator": ".",
        "decimals": 0,
        "weight_unit": "kg",
        "dimension_unit": "cm",
    },
    "tax": {
        "calc_taxes": True,
        "prices_include_tax": False,
        "tax_based_on": "shipping",
        "round_at_subtotal": False,
        "shipping_tax_class": "",
        "classes": [
            {"slug": "reduced-rate", "name": "نرخ کاهش‌یافته"},
            {"slug": "zero-rate", "name": "معاف از مالیات"},
        ],
        "rates": [
            {"country": "IR", "rate": "10", "name": "مالیات بر ارزش افزوده", "shipping": True},
            {"country": "IR", "rate": "5", "name": "VAT (reduced)", "class": "reduced-rate"},
            {"country": "IR", "rate": "0", "name": "معاف", "class": "zero-rate"},
            {"country": "AE", "rate": "5", "name": "UAE VAT"},
            {"country": "DE", "rate": "19", "name": "MwSt."},
        ],
    },
    "shipping": {
        "zones": [
            {
                "name": "تهران",
                "regions": ["IR:THR"],
                "methods": [
                    {"method_id": "flat_rate", "title": "پیک موتوری", "cost": "60000"},
                    {"method_id": "free_shipping", "title": "ارسال رایگان",
                     "requires": "min_amount", "min_amount": "2000000"},
                    {"method_id": "local_pickup", "title": "تحویل حضوری از فروشگاه"},
                ],
            },
            {
                "name": "سایر شهرهای ایران",
                "regions": ["IR"],
                "methods": [
                    {"method_id": "flat_rate", "title": "پست پیشتاز", "cost": "90000"},
                    {"method_id": "free_shipping", "title": "ارسال رایگان",
                     "requires": "either", "min_amount": "3000000"},
                ],
            },
            {
                "name": "Gulf & Europe",
                "regions": ["AE", "TR", "DE", "GB"],
                "methods": [{"method_id": "flat_rate", "title": "DHL Express", "cost": "1500000"}],
            },
            {
                "id": 0,
                "methods": [{"method_id": "flat_rate", "title": "International mail",
                             "cost": "2500000", "tax_status": "none"}],
            },
        ]
    },
    "payments": {
        "gateways": [
            {"id": "bacs", "enabled": True, "title": "کارت به کارت",
             "description": "مبلغ را به کارت ۶۰۳۷-۹۹۷۵-۰۰۰۰-۰۰۰۰ واریز کنید."},
            {"id": "cheque", "enabled": False},
            {"id": "cod", "enabled": True, "title": "پرداخت در محل",
             "description": "پرداخت با کارتخوان هنگام تحویل (فقط تهران)."},
        ]
    },
}  # fmt: skip

# (key, name, parent key)
CATEGORIES = [
    ("clothing", "پوشاک", None),
    ("tshirts", "تی‌شرت", "clothing"),
    ("hoodies", "Hoodies", "clothing"),
    ("electronics", "Electronics", None),
    ("audio", "هدفون و اسپیکر", "electronics"),
    ("chargers", "Chargers & Cables", "electronics"),
    ("home", "خانه و آشپزخانه", None),
    ("mugs", "ماگ و لیوان", "home"),
    ("coffee", "Coffee", "home"),
    ("software", "Software", None),
    ("plugins", "WordPress Plugins", "software"),
    ("themes", "قالب وردپرس", "software"),
    ("books", "کتاب", None),
    ("ebooks", "E-books", "books"),
    ("accessories", "Accessories", None),
]
TAGS = ["پرفروش", "جدید", "Eco-friendly", "Gift idea", "تخفیف‌دار", "Digital"]
ATTRIBUTES = {
    "Size": ["S", "M", "L", "XL"],
    "Color": ["Black", "White", "Navy", "Red"],
}

# (sku, name, category, price in Toman, extras)
SIMPLE_PRODUCTS: list[tuple[str, str, str, int, dict[str, Any]]] = [
    ("AUD-101", "هدفون بی‌سیم نویزکنسلینگ", "audio", 8_900_000, {"tags": ["پرفروش"]}),
    ("AUD-102", "Studio Monitor Headphones", "audio", 6_400_000, {}),
    ("AUD-103", "اسپیکر بلوتوث ضدآب", "audio", 2_750_000, {"sale": 2_300_000}),
    ("AUD-104", "True Wireless Earbuds", "audio", 3_900_000, {"stock": 0}),
    ("AUD-105", "هدست گیمینگ با میکروفون", "audio", 4_200_000, {"stock": 14}),
    ("AUD-106", "Portable Radio", "audio", 1_350_000, {"stock": 0, "backorders": "notify"}),
    ("CHG-201", "شارژر دیواری ۶۵ وات USB-C", "chargers", 1_150_000, {"tags": ["جدید"]}),
    ("CHG-202", "Braided USB-C Cable 2m", "chargers", 290_000, {"stock": 120}),
    ("CHG-203", "پاوربانک ۲۰۰۰۰ میلی‌آمپر", "chargers", 1_890_000, {"sale": 1_590_000}),
    ("CHG-204", "Wireless Charging Pad", "chargers", 980_000, {}),
    ("CHG-205", "کابل لایتنینگ", "chargers", 240_000, {"stock": 0}),
    ("CHG-206", "Car Charger Dual Port", "chargers", 450_000, {}),
    ("CHG-207", "هاب ۷ پورت USB", "chargers", 1_250_000, {"scheduled_sale": 990_000}),
    ("CHG-208", "Travel Adapter Universal", "chargers", 690_000, {"tags": ["Gift idea"]}),
    ("MUG-301", "ماگ سرامیکی دست‌ساز", "mugs", 350_000, {"tags": ["Gift idea", "پرفروش"]}),
    ("MUG-302", "Enamel Camping Mug", "mugs", 420_000, {"tags": ["Eco-friendly"]}),
    ("MUG-303", "لیوان دوجداره شیشه‌ای", "mugs", 280_000, {"sale": 220_000}),
    ("MUG-304", "Travel Tumbler 500ml", "mugs", 760_000, {"stock": 35}),
    ("MUG-305", "ماگ حرارتی هوشمند", "mugs", 2_100_000, {"stock": 0}),
    ("MUG-306", "Espresso Cup Set (4)", "mugs", 640_000, {}),
    ("MUG-307", "فنجان و نعلبکی لب‌طلایی", "mugs", 530_000, {}),
    ("MUG-308", "Bamboo Lid Mug", "mugs", 390_000, {"tags": ["Eco-friendly"], "sale": 330_000}),
    ("COF-401", "قهوه اسپرسو بلند ۲۵۰ گرمی", "coffee", 480_000, {"weight": "0.25"}),
    ("COF-402", "Ethiopia Yirgacheffe Beans 1kg", "coffee", 1_650_000, {"weight": "1"}),
    ("COF-403", "قهوه ترک آسیاب‌شده", "coffee", 310_000, {"weight": "0.25", "tax_class": "reduced-rate"}),
    ("COF-404", "Colombia Supremo 500g", "coffee", 920_000, {"weight": "0.5", "stock": 0}),
    ("COF-405", "دمی قهوه فرانسه", "coffee", 1_450_000, {"sale": 1_190_000}),
    ("COF-406", "Hand Coffee Grinder", "coffee", 2_300_000, {}),
    ("COF-407", "فیلتر کاغذی V60 (۱۰۰ عدد)", "coffee", 180_000, {"stock": 300}),
    ("COF-408", "Cold Brew Bottle", "coffee", 870_000, {"tags": ["جدید"]}),
    ("BOK-501", "کتاب صد سال تنهایی", "books", 420_000, {"tax_class": "zero-rate"}),
    ("BOK-502", "Clean Code (Paperback)", "books", 1_200_000, {"tax_class": "zero-rate"}),
    ("BOK-503", "دیوان حافظ نفیس", "books", 950_000, {"tax_class": "zero-rate", "sale": 790_000}),
    ("BOK-504", "The Pragmatic Programmer", "books", 1_350_000, {"tax_class": "zero-rate", "stock": 0}),
    ("ACC-601", "کیف لپ‌تاپ چرمی", "accessories", 2_650_000, {}),
    ("ACC-602", "Canvas Tote Bag", "accessories", 390_000, {"tags": ["Eco-friendly"]}),
    ("ACC-603", "کوله‌پشتی ضدآب", "accessories", 1_980_000, {"sale": 1_690_000}),
    ("ACC-604", "Sticker Pack (Shopkeep)", "accessories", 90_000, {"stock": 500}),
    ("ACC-605", "جاکلیدی چرمی", "accessories", 160_000, {"stock": 0}),
    ("ACC-606", "Desk Mat XL", "accessories", 720_000, {"tags": ["Gift idea"]}),
]  # fmt: skip

# Downloadable products; "license": (method, activation limit, validity days) or None.
DIGITAL_PRODUCTS: list[tuple[str, str, str, int, tuple[str, int | None, int | None] | None]] = [
    ("PLG-701", "WooNooW Pro", "plugins", 2_900_000, ("oauth", 1, 365)),
    ("PLG-702", "افزونه پیامک ووکامرس", "plugins", 1_450_000, ("simple", 3, 365)),
    ("PLG-703", "Smart Invoices for WooCommerce", "plugins", 1_900_000, ("simple", 1, 365)),
    ("PLG-704", "افزونه درگاه پرداخت", "plugins", 990_000, ("simple", None, None)),
    ("PLG-705", "Advanced Shipping Rules", "plugins", 2_200_000, ("oauth", 5, 365)),
    ("PLG-706", "فرم‌ساز حرفه‌ای", "plugins", 1_650_000, ("simple", 2, 180)),
    ("PLG-707", "Booking Calendar Pro", "plugins", 3_100_000, ("oauth", 1, None)),
    ("PLG-708", "Backup & Migrate", "plugins", 1_250_000, ("simple", 10, 365)),
    ("THM-801", "قالب فروشگاهی نوین", "themes", 2_400_000, ("simple", 1, 365)),
    ("THM-802", "Portfolio Theme Minimal", "themes", 1_700_000, ("simple", 1, 365)),
    ("THM-803", "قالب خبری پارسی", "themes", 1_950_000, ("oauth", 2, 365)),
    ("THM-804", "Landing Page Kit", "themes", 1_100_000, None),
    ("EBK-901", "کتاب الکترونیکی آموزش پایتون", "ebooks", 350_000, None),
    ("EBK-902", "REST APIs in Practice (PDF)", "ebooks", 480_000, None),
    ("EBK-903", "راهنمای جامع ووکامرس", "ebooks", 290_000, None),
    ("EBK-904", "Designing Data-Intensive Apps (notes)", "ebooks", 220_000, None),
    ("EBK-905", "مجموعه داستان کوتاه", "ebooks", 150_000, None),
    ("EBK-906", "SQLite Internals Handbook", "ebooks", 410_000, None),
]

# (sku, name, category, price, sizes, colors, out-of-stock combinations)
VARIABLE_PRODUCTS = [
    ("TSH-001", "تی‌شرت نخی طرح خوشنویسی", "tshirts", 690_000, ["S", "M", "L"], ["Black", "White"], [("L", "White")]),
    ("TSH-002", "Classic Crew Tee", "tshirts", 550_000, ["S", "M", "L", "XL"], ["Navy"], [("XL", "Navy")]),
    ("TSH-003", "تی‌شرت اورسایز", "tshirts", 780_000, ["M", "L"], ["Black", "Red"], []),
    ("TSH-004", "Developer Tee: It works on my machine", "tshirts", 620_000, ["S", "M", "L", "XL"], ["Black"], []),
    ("TSH-005", "تی‌شرت ورزشی دری‌فیت", "tshirts", 840_000, ["M", "L", "XL"], ["White", "Navy"], [("M", "Navy")]),
    ("TSH-006", "Organic Cotton Tee", "tshirts", 710_000, ["S", "M"], ["White"], []),
    ("HOD-001", "هودی کلاه‌دار زمستانی", "hoodies", 1_650_000, ["M", "L", "XL"], ["Black", "Navy"], []),
    ("HOD-002", "Zip Hoodie Heavyweight", "hoodies", 1_890_000, ["S", "M", "L"], ["Red"], [("S", "Red")]),
    ("HOD-003", "هودی یقه‌گرد", "hoodies", 1_420_000, ["L", "XL"], ["White", "Black"], []),
]  # fmt: skip

# (first name, last name, email handle)
CUSTOMERS = [
    ("رضا", "کریمی", "reza.karimi"), ("سارا", "محمدی", "sara.mohammadi"),
    ("علی", "حسینی", "ali.hosseini"), ("مریم", "رضایی", "maryam.rezaei"),
    ("Mina", "Jafari", "mina.jafari"), ("محمد", "احمدی", "mohammad.ahmadi"),
    ("زهرا", "موسوی", "zahra.mousavi"), ("Arash", "Tehrani", "arash.tehrani"),
    ("نگار", "صادقی", "negar.sadeghi"), ("حسین", "رحیمی", "hossein.rahimi"),
    ("Leila", "Hosseini", "leila.h"), ("امیر", "نوری", "amir.nouri"),
    ("فاطمه", "قاسمی", "fatemeh.ghasemi"), ("Daniel", "Weber", "daniel.weber"),
    ("پریسا", "اکبری", "parisa.akbari"), ("Omid", "Rahmani", "omid.rahmani"),
    ("شیما", "کاظمی", "shima.kazemi"), ("مهدی", "یوسفی", "mahdi.yousefi"),
    ("Emma", "Schmidt", "emma.schmidt"), ("نیلوفر", "باقری", "niloofar.bagheri"),
    ("کاوه", "شریفی", "kaveh.sharifi"), ("Sophie", "Martin", "sophie.martin"),
    ("بهاره", "عباسی", "bahareh.abbasi"), ("Kian", "Farahani", "kian.farahani"),
    ("یاسمن", "مرادی", "yasaman.moradi"),
]  # fmt: skip
# (city, state, postcode, country, street)
ADDRESSES = [
    ("تهران", "THR", "1415913111", "IR", "خیابان انقلاب، کوچه بهار، پلاک ۷"),
    ("اصفهان", "ESF", "8174673441", "IR", "خیابان چهارباغ عباسی، پلاک ۱۲"),
    ("شیراز", "FRS", "7134845794", "IR", "بلوار زند، کوچه ۱۸، پلاک ۳"),
    ("مشهد", "RKH", "9177948974", "IR", "بلوار وکیل‌آباد، پلاک ۵۵"),
    ("تبریز", "EAZ", "5166616471", "IR", "خیابان امام، پلاک ۲۰۱"),
    ("Dubai", "DU", "00000", "AE", "Sheikh Zayed Rd, Tower 3, Apt 1204"),
    ("Berlin", "BE", "10115", "DE", "Invalidenstraße 44"),
    ("رشت", "GIL", "4193833591", "IR", "خیابان مطهری، پلاک ۹"),
]
